"""What a past run needs to be run again exactly: its slots with every option, seeds included."""

from __future__ import annotations

from imagegen import catalog
from imagegen.slots import SlotSpec


def slot_specs(run) -> list[SlotSpec]:
    """One SlotSpec per generation of a history RunDetail, in slot order.

    Requested options are kept as they were; where the model takes a seed and none was requested, the
    seed actually used is filled in, so the re-run reproduces the image where the provider allows it.
    """
    specs = []
    for generation in sorted(run.generations, key=lambda g: g.position):
        options = dict(generation.requested_options)
        model = catalog.PROVIDERS.get(generation.provider) and catalog.get_provider(generation.provider).model(
            generation.model)
        takes_seed = model is not None and model.option("seed") is not None
        if takes_seed and options.get("seed") is None and generation.seed is not None:
            options["seed"] = generation.seed
        specs.append(SlotSpec(generation.provider, generation.model, options))
    return specs
