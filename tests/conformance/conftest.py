"""Conformance session summary: a table of pass/fail counts per op."""

from __future__ import annotations

from collections import defaultdict

_RESULTS: dict[str, dict[str, int]] = defaultdict(lambda: {"passed": 0, "failed": 0})


def pytest_runtest_logreport(report):
    op = dict(report.user_properties).get("op")
    if op is None:
        return
    if report.when == "call" or (report.when == "setup" and report.failed):
        outcome = "passed" if report.passed else "failed"
        if not report.skipped:
            _RESULTS[op][outcome] += 1


def pytest_terminal_summary(terminalreporter):
    if not _RESULTS:
        return
    tr = terminalreporter
    tr.section("conformance: op x result")
    width = max(len(op) for op in _RESULTS)
    tr.write_line(f"{'op':<{width}}  passed  failed")
    for op in sorted(_RESULTS):
        r = _RESULTS[op]
        tr.write_line(f"{op:<{width}}  {r['passed']:>6}  {r['failed']:>6}")
    total_p = sum(r["passed"] for r in _RESULTS.values())
    total_f = sum(r["failed"] for r in _RESULTS.values())
    tr.write_line(f"{'total':<{width}}  {total_p:>6}  {total_f:>6}")
