"""ONNX's backend node test cases (generated in memory by onnx.backend.test) against siglite.

Every case must either match ONNX's expected outputs (the runner's tolerances, or the case's
own) or be rejected at conversion with a SigliteError. A wrong result or a non-siglite exception
fails the test; at least 66% of all cases must pass.
"""

from __future__ import annotations

import collections
import warnings

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")

MIN_CASES = 1000
MIN_PASS_RATE = 0.66


def collect_cases():
    from onnx.backend.test.case.node import collect_testcases

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return collect_testcases()


def op_label(case) -> str:
    nodes = case.model.graph.node
    op = nodes[0].op_type if len(nodes) == 1 else case.name.removeprefix("test_").split("_")[0]
    return op + (" (expanded)" if "expanded" in case.name else "")


def compare(expected: np.ndarray, got: np.ndarray, rtol: float, atol: float) -> str | None:
    """None when ``got`` matches ``expected`` the way onnx's backend runner checks it."""
    expected, got = np.asarray(expected), np.asarray(got)
    if expected.dtype == object or got.dtype == object:
        return None if np.array_equal(expected, got) else "values differ"
    if got.dtype != expected.dtype:
        return f"dtype {got.dtype} != expected {expected.dtype}"
    if got.shape != expected.shape:
        return f"shape {got.shape} != expected {expected.shape}"
    try:
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)
    except AssertionError as exc:
        return str(exc).strip().splitlines()[-1][:200]
    return None


def as_array(value):
    if isinstance(value, onnx.TensorProto):
        return onnx.numpy_helper.to_array(value)
    return np.asarray(value)


def run_case(case) -> tuple[str, str]:
    """('pass' | 'unsupported' | 'failed', detail) for one test case."""
    import siglite as sl
    from siglite.frontends.onnx import backend

    try:
        rep = backend.prepare(case.model)
    except sl.SigliteError as exc:
        return "unsupported", f"{type(exc).__name__}: {str(exc)[:160]}"
    except Exception as exc:  # a crash in the converter is a failure
        return "failed", f"conversion crashed: {type(exc).__name__}: {str(exc)[:200]}"
    for inputs, outputs in case.data_sets:
        try:
            with np.errstate(all="ignore"):
                got = rep.run([as_array(v) for v in inputs])
        except Exception as exc:
            return "failed", f"run raised {type(exc).__name__}: {str(exc)[:200]}"
        if len(got) != len(outputs):
            return "failed", f"{len(got)} outputs, expected {len(outputs)}"
        for i, (exp, out) in enumerate(zip(outputs, got, strict=True)):
            problem = compare(as_array(exp), out, case.rtol, case.atol)
            if problem:
                return "failed", f"output {i}: {problem}"
    return "pass", ""


def test_onnx_backend_node_cases():
    cases = collect_cases()
    assert len(cases) >= MIN_CASES, f"only {len(cases)} ONNX node test cases were collected"
    per_op: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    failures = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for case in cases:
            outcome, detail = run_case(case)
            per_op[op_label(case)][outcome] += 1
            if outcome == "failed":
                failures.append(f"{case.name}: {detail}")
    totals = collections.Counter()
    print(f"\n{'op':40} pass unsupported failed")
    for op in sorted(per_op):
        c = per_op[op]
        totals.update(c)
        print(f"{op:40} {c['pass']:4} {c['unsupported']:11} {c['failed']:6}")
    print(f"{'total':40} {totals['pass']:4} {totals['unsupported']:11} {totals['failed']:6}")
    rate = totals["pass"] / len(cases)
    print(f"pass rate {rate:.1%} of {len(cases)} cases")
    assert not failures, f"{len(failures)} wrong results or crashes:\n" + "\n".join(failures)
    assert rate >= MIN_PASS_RATE, f"pass rate {rate:.1%} is below {MIN_PASS_RATE:.0%}"
