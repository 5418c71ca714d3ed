"""Griptape 1.13's image drivers, called in a loop as Griptape users do, against an imagegen emulator.

Runs inside the bench-only venv `bench/.venv-griptape` (see bench/requirements-griptape.txt), never the
app venv: bench/fanout.py starts it as a subprocess and owns the emulator (and its injected faults).

Protocol (stdin/stdout, one JSON object per line):
- argv: --url <emulator url> --slots <JSON list of {"slot": label, "candidates": [{provider, model, options,
  api_version?}, ...]}> --phases <JSON list of {"name", "k"}>; phase slot i is slots[i % len(slots)];
- for each slot the runner tries its candidates in order (the slot's own model first, then older models the
  parent lists) with one warm-up call each (the parent has no faults injected yet) and keeps the first that
  builds and answers; then prints {"event": "warm", "slots": [{"slot", "used": model or null, "tried":
  [{"model", "error"}], ...}]};
- for each phase it prints {"event": "ready", "phase": name}, waits for a line on stdin (the parent
  injects that phase's faults meanwhile), times a sequential loop over the first k slots that have a driver
  (the others are skipped, with "na": the reason), and prints {"event": "result", "phase": name, "wall_s":
  ..., "ran": n, "slots": [...]}.

A slot none of whose candidates Griptape can build or call is reported "n/a" with every reason, never faked
and never a crash. Only Griptape, boto3, openai and requests are imported: imagegen is not installed here.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings

PROMPT = "a red fox in a green forest at sunset"
DUMMY_KEY = "emulated-no-real-key"
DEFAULT_BEDROCK_SIZE = (1024, 1024)  # the parent passes width/height; this is only a fallback


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
    # Stability's v3 body (SD3 / SD3.5, Stable Image Core / Ultra: prompt + aspect_ratio) and Nova Canvas have no
    # model driver in Griptape 1.13; its SDXL and Titan drivers send other bodies, which these models refuse.
    raise ValueError(f"Griptape 1.13 has no Bedrock model driver for {model} (only SDXL and Titan bodies)")


def build(spec: dict, url: str):
    """(driver, note) for one slot, pointed at the emulator with a dummy key."""
    provider, model, options = spec["provider"], spec["model"], dict(spec.get("options") or {})
    if provider == "openai":
        from griptape.drivers.image_generation.openai import OpenAiImageGenerationDriver

        return OpenAiImageGenerationDriver(model=model, api_key=DUMMY_KEY, base_url=f"{url}/v1",
                                           quality=options.get("quality"), image_size=options.get("size")), None
    if provider == "azure":
        from griptape.drivers.image_generation.openai import AzureOpenAiImageGenerationDriver

        # api_version: what imagegen sends for this model (Griptape's default, 2024-02-01, predates gpt-image)
        extra = {"api_version": spec["api_version"]} if spec.get("api_version") else {}
        return AzureOpenAiImageGenerationDriver(model=model, azure_deployment=model, azure_endpoint=url,
                                                api_key=DUMMY_KEY, quality=options.get("quality"),
                                                image_size=options.get("size"), **extra), None
    if provider == "bedrock":
        import boto3
        from griptape.drivers.image_generation.amazon_bedrock import AmazonBedrockImageGenerationDriver

        model_driver, note = bedrock_model_driver(model)
        session = boto3.Session(aws_access_key_id="AKIAEMULATED00000000", aws_secret_access_key=DUMMY_KEY,
                                region_name="us-east-1")
        # Griptape builds its client as session.client("bedrock-runtime") with no endpoint_url; users who
        # need another endpoint pass their own client.
        client = session.client("bedrock-runtime", endpoint_url=url)
        width, height = options.get("width", DEFAULT_BEDROCK_SIZE[0]), options.get("height", DEFAULT_BEDROCK_SIZE[1])
        return AmazonBedrockImageGenerationDriver(model=model, session=session, client=client,
                                                  image_generation_model_driver=model_driver,
                                                  image_width=width, image_height=height), note
    if provider == "leonardo":
        from griptape.drivers.image_generation.leonardo import LeonardoImageGenerationDriver

        size = {name: options[key] for key, name in (("width", "image_width"), ("height", "image_height"))
                if key in options}
        return LeonardoImageGenerationDriver(model=model, api_key=DUMMY_KEY, api_base=f"{url}/api/rest/v1",
                                             **size), None
    raise ValueError(f"no Griptape driver for provider {provider!r}")


def call(driver) -> dict:
    started = time.perf_counter()
    try:
        artifact = driver.run_text_to_image(prompts=[PROMPT])
        return {"s": round(time.perf_counter() - started, 4), "bytes": len(artifact.value)}
    except Exception as exc:  # reported, not hidden: the parent shows the row as failed with this reason
        return {"s": round(time.perf_counter() - started, 4), "error": f"{type(exc).__name__}: {exc}"[:300]}


def pick(slot: dict, url: str) -> tuple[object | None, dict]:
    """The first candidate Griptape can build and call (one warm-up call, no faults yet): (driver, report)."""
    tried = []
    for candidate in slot["candidates"]:
        try:
            driver, note = build(candidate, url)
        except Exception as exc:
            tried.append({"model": candidate["model"], "error": f"cannot build: {type(exc).__name__}: {exc}"[:300]})
            continue
        # One attempt while probing (a refused model would otherwise be retried after ~2 s); Leonardo's driver
        # also counts its polls with max_attempts, so it keeps its default.
        attempts = driver.max_attempts
        if candidate["provider"] != "leonardo":
            driver.max_attempts = 1
        outcome = call(driver)
        driver.max_attempts = attempts
        if "error" in outcome:
            tried.append({"model": candidate["model"], "error": outcome["error"]})
            continue
        tried.append({"model": candidate["model"]})
        return driver, {"slot": slot["slot"], "used": candidate["model"], "note": note, "tried": tried, **outcome}
    return None, {"slot": slot["slot"], "used": None, "tried": tried}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--slots", required=True, help='JSON list of {"slot", "candidates": [...]}')
    parser.add_argument("--phases", required=True, help='JSON list of {"name", "k"}')
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    import griptape

    slots, phases = json.loads(args.slots), json.loads(args.phases)
    drivers, warmup = [], []
    for slot in slots:
        driver, report = pick(slot, args.url)
        drivers.append(driver)
        warmup.append(report)
    emit({"event": "warm", "griptape": getattr(griptape, "__version__", None) or version("griptape"),
          "slots": warmup})
    for phase in phases:
        emit({"event": "ready", "phase": phase["name"]})
        if not sys.stdin.readline():
            return
        results, ran = [], 0
        started = time.perf_counter()
        for index in range(phase["k"]):
            slot, driver = slots[index % len(slots)], drivers[index % len(slots)]
            if driver is None:
                results.append({"slot": slot["slot"], "na": "no candidate Griptape can call"})
                continue
            ran += 1
            results.append({"slot": slot["slot"], "model": driver.model, **call(driver)})
        emit({"event": "result", "phase": phase["name"], "wall_s": round(time.perf_counter() - started, 4),
              "ran": ran, "slots": results})


def version(name: str) -> str:
    from importlib.metadata import version as dist_version

    return dist_version(name)


if __name__ == "__main__":
    main()
