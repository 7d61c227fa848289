"""Generated and reference pages stay true: the op table, the CLI reference, the README."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from siglite.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]


def test_op_table_is_up_to_date():
    env = {**os.environ, "SIGLITE_LOAD_PLUGINS": ""}
    done = subprocess.run(
        [sys.executable, "-m", "siglite.commands.ops_table"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    page = (ROOT / "docs" / "reference" / "ops.md").read_text(encoding="utf-8")
    assert done.stdout == page, (
        "docs/reference/ops.md is stale: run "
        "`python -m siglite.commands.ops_table docs/reference/ops.md`"
    )


def test_op_table_rows_follow_the_registry():
    from siglite.commands.ops_table import support_matrix
    from siglite.ops.registry import all_ops
    from siglite.plugins import registry

    delegates, rows = support_matrix()
    by_op = {row[0]: row for row in rows}
    assert set(all_ops()) <= set(by_op)
    numpy_kernels = registry().delegates["numpy"]().kernels
    col = 2 + delegates.index("numpy")
    for op, row in by_op.items():
        assert bool(row[col]) == (numpy_kernels.get(op) is not None or bool(
            numpy_kernels.dtypes_of(op)) or ("numpy", op) in registry().op_kernels), op  # fmt: skip


def _subcommands() -> dict:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    return sub.choices


def test_cli_reference_covers_every_command_and_option():
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name, parser in _subcommands().items():
        assert f"## {name}\n" in page, f"docs/cli.md has no section for {name}"
        section = page.split(f"## {name}\n", 1)[1].split("\n## ", 1)[0]
        for action in parser._actions:
            flags = [f for f in action.option_strings if f not in ("-h", "--help", "--debug")]
            if flags:
                assert any(f in section for f in flags), f"docs/cli.md, {name}: {flags}"


def test_readme_lists_every_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Command line", 1)[1].split("\n## ", 1)[0]
    for name in _subcommands():
        assert f"siglite {name}" in section
