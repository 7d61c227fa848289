"""The ``siglite`` subcommands and their helpers; :mod:`siglite.cli` wires them to argparse.

Each command module (``convert``, ``inspect_model``, ``run``, ``bench``) has
``add_parser(subparsers, parents)`` and a ``run(args) -> int`` that it sets as the parser's
``func``; ``sources``, ``values``, ``summary`` and ``text`` are shared by them, and
``ops_table`` (with ``op_dtypes``) writes the op-support page of the documentation.
Output is plain aligned text on stdout; progress goes to stderr and only when stderr is a
terminal.
"""
