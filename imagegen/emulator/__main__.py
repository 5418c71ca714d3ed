"""`python -m imagegen.emulator --port 8765 [--latency openai=1.5] [--fault openai:rate_limit:2] ...`

Prints the base URL and the environment variables to export, then serves until Ctrl-C. A fault is
`PROVIDER:KIND[:AMOUNT]`: an integer AMOUNT is a count (the next N requests), a decimal below 1 a
fraction of requests, no AMOUNT every request. PROVIDER may be `*`. Every provider takes rate_limit,
server_error and content_policy; bedrock also model_not_ready, output_filter and model_error; leonardo
also failed, nsfw and empty (see `faults`).
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from imagegen.emulator.faults import ANY_PROVIDER, KINDS, check_kind
from imagegen.emulator.server import Emulator


@dataclass(frozen=True)
class FaultSpec:
    provider: str
    kind: str
    count: int | None = None
    fraction: float | None = None
    seconds: float | None = None


def parse_fault(text: str) -> FaultSpec:
    """`openai:rate_limit:2` (count), `azure:server_error:0.25` (fraction), `openai:content_policy`."""
    parts = text.split(":")
    if len(parts) not in (2, 3) or not all(parts):
        raise argparse.ArgumentTypeError(f"expected PROVIDER:KIND[:AMOUNT], got {text!r}")
    provider, kind = parts[0], parts[1]
    if kind not in KINDS or kind == "latency":
        raise argparse.ArgumentTypeError(f"unknown fault kind {kind!r} in {text!r}; expected one of "
                                         f"{', '.join(k for k in KINDS if k != 'latency')} (use --latency)")
    if len(parts) == 2:
        return FaultSpec(provider, kind)
    amount = parts[2]
    if amount.isdigit() and int(amount) >= 1:
        return FaultSpec(provider, kind, count=int(amount))
    try:
        fraction = float(amount)
    except ValueError:
        fraction = -1.0
    if "." not in amount or not 0 < fraction < 1:
        raise argparse.ArgumentTypeError(f"AMOUNT in {text!r} must be a count >= 1 or a fraction like 0.25")
    return FaultSpec(provider, kind, fraction=fraction)


def parse_latency(text: str) -> FaultSpec:
    """`openai=1.5`: every request to openai waits 1.5 s before it is answered."""
    provider, sep, seconds = text.partition("=")
    try:
        value = float(seconds)
    except ValueError:
        value = -1.0
    if not sep or not provider or value <= 0:
        raise argparse.ArgumentTypeError(f"expected PROVIDER=SECONDS with SECONDS > 0, got {text!r}")
    return FaultSpec(provider, "latency", seconds=value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m imagegen.emulator", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (0 = any free port)")
    parser.add_argument("--latency", type=parse_latency, action="append", default=[], metavar="PROVIDER=SEC")
    parser.add_argument("--fault", type=parse_fault, action="append", default=[],
                        metavar="PROVIDER:KIND[:AMOUNT]")
    parser.add_argument("--quiet", action="store_true", help="do not log requests to stderr")
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse and check the arguments (unknown providers, and fault kinds a provider does not understand, are
    refused with the list of known ones)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    probe = Emulator()
    known = probe.providers
    for spec in [*args.latency, *args.fault]:
        if spec.provider != ANY_PROVIDER and spec.provider not in known:
            parser.error(f"unknown provider {spec.provider!r}; expected '*' or one of {', '.join(known)}")
        try:
            check_kind(spec.provider, spec.kind, probe.faults.kinds)
        except ValueError as exc:
            parser.error(str(exc))
    return args


def configure(emu: Emulator, args: argparse.Namespace) -> None:
    for spec in [*args.latency, *args.fault]:
        emu.inject(spec.provider, spec.kind, count=spec.count, fraction=spec.fraction, seconds=spec.seconds)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    emu = Emulator(args.port, quiet=args.quiet)
    configure(emu, args)
    emu.start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"imagegen emulator listening on {emu.url}", flush=True)
    print("Point the SDKs at it (any key or AWS access key id without 'invalid' in it is accepted):", flush=True)
    for name, value in emu.env_vars().items():
        print(f"export {name}={value}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        emu.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
