"""The ``siglite`` command line (also ``python -m siglite``).

Exit codes: 0 ok, 2 usage error, 1 model or conversion error (one line, no traceback unless
``--debug``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .errors import SigliteError


def _cmd_plugins(args: argparse.Namespace) -> int:
    from .plugins import list_plugins, registry

    rows = [(p.name, p.kind, p.version, p.distribution, p.plugin) for p in list_plugins()]
    header = ("name", "kind", "version", "distribution", "plugin")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    for name, why in registry().failed.items():
        print(f"failed: {name}: {why}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    run_demo(args.output)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="siglite",
        description="Models with signatures: convert, inspect and run .tflite files.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("plugins", help="list installed frontends, delegates and ops")
    p.set_defaults(func=_cmd_plugins)

    p = sub.add_parser("demo", help="the signatures walkthrough: build, write, list, run")
    p.add_argument("-o", "--output", default=None, help="where to write the .tflite file")
    p.set_defaults(func=_cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (SigliteError, OSError) as exc:
        if args.debug:
            raise
        print(f"siglite: error: {exc}".splitlines()[0], file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
