"""Generated and reference pages stay true: the op table, the CLI reference, the README."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

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


def _conformance_first_inputs() -> dict[str, set[str]]:
    """op -> dtypes of the first input in the conformance cases (checked against LiteRT)."""
    import importlib.util

    out: dict[str, set[str]] = {}
    cases_dir = ROOT / "tests" / "conformance"
    sys.path.insert(0, str(cases_dir))
    try:
        for path in sorted((cases_dir / "cases").glob("*.py")):
            spec = importlib.util.spec_from_file_location(f"_cases_{path.stem}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            for case in module.CASES:
                first = next((i for i in case.inputs if i is not None), None)
                if first is not None:
                    arr = np.asarray(getattr(first, "value", first))
                    kind = "string" if arr.dtype.kind in "OSU" else arr.dtype.name
                    out.setdefault(case.op, set()).add(kind)
    finally:
        sys.path.remove(str(cases_dir))
    return out


def test_op_table_probes_the_dtypes_ops_really_take():
    """Every dtype a conformance case feeds an op is one the table asks the delegates about,
    and the string ops are not shown on the GPU."""
    from siglite.commands.op_dtypes import input_dtypes
    from siglite.commands.ops_table import support_matrix

    skipped = {"float64", "float16", "int16"}  # CAST / DEQUANTIZE sources, not probed
    for op, kinds in _conformance_first_inputs().items():
        missing = kinds - set(input_dtypes(op)) - skipped
        assert not missing, f"{op}: the op table does not probe {sorted(missing)}"
    delegates, rows = support_matrix()
    cupy = {row[0]: row[2 + delegates.index("cupy")] for row in rows}
    for op in ("StringToNumber", "StringJoin", "Substr", "HASHTABLE_FIND", "READ_VARIABLE"):
        assert cupy[op] == "", op
    assert cupy["AsString"] == ""  # string output
    assert cupy["RESHAPE"] and "string" not in cupy["RESHAPE"]
    numpy_col = {row[0]: row[2 + delegates.index("numpy")] for row in rows}
    assert "int8" not in numpy_col["LEAKY_RELU"]  # no integer kernel: quantized nodes refused
    assert numpy_col["CONV_2D"] == "float32, int8, uint8"


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
