"""The ``siglite`` command line (also ``python -m siglite``).

Commands: ``convert``, ``inspect``, ``run`` and ``bench`` (one module each in
:mod:`siglite.commands`), ``plugins`` and ``demo`` (here, with :mod:`siglite.demo`).
Exit codes: 0 ok, 2 usage error, 1 model or conversion error, reported as one line on stderr
(``--debug`` shows the traceback instead).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .commands import bench, convert, inspect_model, run
from .errors import SigliteError


def _cmd_plugins(args: argparse.Namespace) -> int:
    from .commands.text import table
    from .plugins import list_plugins, registry

    rows = [(p.name, p.kind, p.version, p.distribution, p.plugin) for p in list_plugins()]
    print(table(("name", "kind", "version", "distribution", "plugin"), rows))
    for name, why in registry().failed.items():
        print(f"failed: {name}: {why}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    run_demo(args.output)
    return 0


PLUGINS_DESCRIPTION = """\
List every frontend, delegate and op registered by the built-in plugins and by installed
plugin distributions (entry-point group "siglite"), with the plugin and distribution that
registered it. Plugins that failed to load are listed at the end with the reason.
SIGLITE_LOAD_PLUGINS=a,b loads only the named entry points (empty: built-ins only).
"""

DEMO_DESCRIPTION = """\
The signatures walkthrough: build a model with two signatures (encode: float -> string with
the Select op AsString; decode: string -> float with StringToNumber), write it as a .tflite
file, read its signature list back and run both signature runners as a round trip.
"""


def _version() -> str:
    from . import __version__

    return __version__


def _common() -> argparse.ArgumentParser:
    # Accept --debug after the command too; SUPPRESS keeps the top-level value when absent.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="siglite",
        description="Models with signatures: convert, inspect, run and time .tflite files.",
        epilog="Exit codes: 0 ok, 1 model or conversion error, 2 usage error.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument("--version", action="version", version=f"siglite {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parents = [_common()]
    convert.add_parser(sub, parents)
    inspect_model.add_parser(sub, parents)
    run.add_parser(sub, parents)
    bench.add_parser(sub, parents)

    fmt = argparse.RawDescriptionHelpFormatter
    p = sub.add_parser(
        "plugins",
        help="list installed frontends, delegates and ops",
        description=PLUGINS_DESCRIPTION,
        parents=parents,
        formatter_class=fmt,
    )
    p.set_defaults(func=_cmd_plugins)

    p = sub.add_parser(
        "demo",
        help="the signatures walkthrough: build, write, list, run",
        description=DEMO_DESCRIPTION,
        parents=parents,
        formatter_class=fmt,
    )
    p.add_argument("-o", "--output", default=None, help="where to write the .tflite file")
    p.set_defaults(func=_cmd_demo)
    return parser


def one_line(exc: BaseException) -> str:
    """An error message on one line: its lines joined, whitespace collapsed."""
    text = " ".join(part.strip() for part in str(exc).splitlines() if part.strip())
    if not isinstance(exc, SigliteError | OSError):
        text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return text or type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("siglite: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader (e.g. `| head`) stopped early: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if args.debug:
            raise
        print(f"siglite: error: {one_line(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
