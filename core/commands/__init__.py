"""The ``siglite`` subcommands, one module each; :mod:`siglite.cli` wires them to argparse.

Every module has ``add_parser(subparsers, parents)`` and a ``run(args) -> int`` that it sets as
the parser's ``func``. Output is plain aligned text on stdout; progress goes to stderr and only
when stderr is a terminal.
"""
