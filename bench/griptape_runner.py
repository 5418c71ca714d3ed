"""Griptape 1.13's image drivers, called in a loop as Griptape users do, against an imagegen emulator.

Runs inside the bench-only venv `bench/.venv-griptape` (see bench/requirements-griptape.txt), never the
app venv: bench/fanout.py starts it as a subprocess and owns the emulator (and its injected faults).

Protocol (stdin/stdout, one JSON object per line):
- argv: --url <emulator url> --slots <JSON list of {provider, model, options}> --phases <JSON list of
  {"name", "k"}>;
- the runner builds one driver per distinct slot and makes one warm-up call each (the parent has no
  faults injected yet), then prints {"event": "warm", "warmup": [...]};
- for each phase it prints {"event": "ready", "phase": name}, waits for a line on stdin (the parent
  injects that phase's faults meanwhile), times a sequential loop over the first k slots, and prints
  {"event": "result", "phase": name, "wall_s": ..., "slots": [...]}.

A slot whose driver cannot be built or pointed at the emulator is reported with "error" and a reason,
never faked. Only Griptape, boto3, openai and requests are imported: imagegen is not installed here.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings

PROMPT = "a red fox in a green forest at sunset"
DUMMY_KEY = "emulated-no-real-key"
# What imagegen's drivers produce for these models by default, so both sides ask for the same pixels.
BEDROCK_SIZES = {"stability.stable-diffusion-xl-v1": (1024, 1024), "amazon.nova-canvas-v1:0": (1024, 1024)}


def emit(payload: dict) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


def bedrock_model_driver(model: str):
    from griptape.drivers.image_generation_model.bedrock_stable_diffusion import (
        BedrockStableDiffusionImageGenerationModelDriver,
    )
    from griptape.drivers.image_generation_model.bedrock_titan import BedrockTitanImageGenerationModelDriver

    if model.startswith("stability.stable-diffusion"):
        return BedrockStableDiffusionImageGenerationModelDriver(), None
    if model.startswith("amazon.titan-image"):
        return BedrockTitanImageGenerationModelDriver(), None
    if model.startswith("amazon.nova-canvas"):
        # Griptape 1.13 has no Nova Canvas model driver; Nova Canvas accepts the Titan request body.
        return BedrockTitanImageGenerationModelDriver(), "Griptape 1.13 has no Nova Canvas model driver: Titan's used"
    raise ValueError(f"Griptape 1.13 has no Bedrock model driver for {model}")


def build(spec: dict, url: str):
    """(driver, note) for one slot, pointed at the emulator with a dummy key."""
    provider, model, options = spec["provider"], spec["model"], dict(spec.get("options") or {})
    if provider == "openai":
        from griptape.drivers.image_generation.openai import OpenAiImageGenerationDriver

        return OpenAiImageGenerationDriver(model=model, api_key=DUMMY_KEY, base_url=f"{url}/v1",
                                           quality=options.get("quality"), image_size=options.get("size")), None
    if provider == "azure":
        from griptape.drivers.image_generation.openai import AzureOpenAiImageGenerationDriver

        return AzureOpenAiImageGenerationDriver(model=model, azure_deployment=model, azure_endpoint=url,
                                                api_key=DUMMY_KEY, quality=options.get("quality"),
                                                image_size=options.get("size")), None
    if provider == "bedrock":
        import boto3
        from griptape.drivers.image_generation.amazon_bedrock import AmazonBedrockImageGenerationDriver

        model_driver, note = bedrock_model_driver(model)
        session = boto3.Session(aws_access_key_id="AKIAEMULATED00000000", aws_secret_access_key=DUMMY_KEY,
                                region_name="us-east-1")
        # Griptape builds its client as session.client("bedrock-runtime") with no endpoint_url; users who
        # need another endpoint pass their own client.
        client = session.client("bedrock-runtime", endpoint_url=url)
        width, height = BEDROCK_SIZES.get(model, (512, 512))
        width, height = options.get("width", width), options.get("height", height)
        return AmazonBedrockImageGenerationDriver(model=model, session=session, client=client,
                                                  image_generation_model_driver=model_driver,
                                                  image_width=width, image_height=height), note
    if provider == "leonardo":
        from griptape.drivers.image_generation.leonardo import LeonardoImageGenerationDriver

        return LeonardoImageGenerationDriver(model=model, api_key=DUMMY_KEY, api_base=f"{url}/api/rest/v1"), None
    raise ValueError(f"no Griptape driver for provider {provider!r}")


def call(driver) -> dict:
    started = time.perf_counter()
    try:
        artifact = driver.run_text_to_image(prompts=[PROMPT])
        return {"s": round(time.perf_counter() - started, 4), "bytes": len(artifact.value)}
    except Exception as exc:  # reported, not hidden: the parent shows the row as failed with this reason
        return {"s": round(time.perf_counter() - started, 4), "error": f"{type(exc).__name__}: {exc}"[:300]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--slots", required=True, help="JSON list of {provider, model, options}")
    parser.add_argument("--phases", required=True, help='JSON list of {"name", "k"}')
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    import griptape

    specs, phases = json.loads(args.slots), json.loads(args.phases)
    drivers, warmup = [], []
    for spec in specs:
        label = f"{spec['provider']} {spec['model']}"
        try:
            driver, note = build(spec, args.url)
        except Exception as exc:
            drivers.append(None)
            warmup.append({"slot": label, "error": f"cannot build: {type(exc).__name__}: {exc}"[:300]})
            continue
        drivers.append(driver)
        warmup.append({"slot": label, "note": note, **call(driver)})
    emit({"event": "warm", "griptape": getattr(griptape, "__version__", None) or version("griptape"),
          "warmup": warmup})
    for phase in phases:
        emit({"event": "ready", "phase": phase["name"]})
        if not sys.stdin.readline():
            return
        slots = []
        started = time.perf_counter()
        for spec, driver in zip(specs[: phase["k"]], drivers[: phase["k"]], strict=True):
            label = f"{spec['provider']} {spec['model']}"
            slots.append({"slot": label, **(call(driver) if driver else {"s": 0.0, "error": "driver unavailable"})})
        emit({"event": "result", "phase": phase["name"], "wall_s": round(time.perf_counter() - started, 4),
              "slots": slots})


def version(name: str) -> str:
    from importlib.metadata import version as dist_version

    return dist_version(name)


if __name__ == "__main__":
    main()
