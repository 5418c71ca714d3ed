"""What a past run needs to be run again exactly: its slots with every option, seeds included."""

from __future__ import annotations

from imagegen import catalog
from imagegen.slots import SlotSpec


def slot_specs(run) -> list[SlotSpec]:
    """One SlotSpec per slot of a history RunDetail, in slot order: its generations, and the planned slots of a
    run cut short (with the options they were planned with).

    Requested options are kept as they were; where the model takes a seed and none was requested, the
    seed actually used is filled in, so the re-run reproduces the image where the provider allows it.
    """
    specs = []
    planned = {slot["position"]: slot for slot in getattr(run, "missing", [])}  # slots the run never finished
    for generation in sorted(run.generations, key=lambda g: g.position):
        for position in sorted(p for p in planned if p < generation.position):
            slot = planned.pop(position)
            specs.append(SlotSpec(slot["provider"], slot["model"], dict(slot.get("options") or {})))
        options = dict(generation.requested_options)
        model = catalog.PROVIDERS.get(generation.provider) and catalog.get_provider(generation.provider).model(
            generation.model)
        takes_seed = model is not None and model.option("seed") is not None
        if takes_seed and options.get("seed") is None and generation.seed is not None:
            options["seed"] = generation.seed
        specs.append(SlotSpec(generation.provider, generation.model, options))
    specs += [SlotSpec(slot["provider"], slot["model"], dict(slot.get("options") or {}))
              for _, slot in sorted(planned.items())]
    return specs
