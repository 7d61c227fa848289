"""Every conformance case of every module in ``cases/``, checked against LiteRT."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from harness import Case, check

CASES_DIR = Path(__file__).parent / "cases"


def _load_cases() -> list[Case]:
    cases: list[Case] = []
    for path in sorted(CASES_DIR.glob("*.py")):
        if path.name.startswith("_"):
            continue
        spec = importlib.util.spec_from_file_location(f"conformance_cases_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        cases.extend(module.CASES)
    return cases


ALL_CASES = _load_cases()


def test_case_names_are_unique():
    names = [c.name for c in ALL_CASES]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    assert not duplicates, f"conformance case names used twice: {duplicates}"


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.name for c in ALL_CASES])
def test_builtin_op(case: Case, record_property):
    record_property("op", case.op)
    check(case)
