"""``Interpreter(num_threads=...)``: validated like LiteRT, and with threadpoolctl installed the
BLAS thread pools are capped while the interpreter runs and restored afterwards."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import siglite as sl
from siglite.errors import InputError
from siglite.ops import register_op
from siglite.ops.registry import CUSTOM, OpSchema
from siglite.runtime.engine import BlasThreads

register_op(
    OpSchema(
        "TestBlasThreads",
        opset=CUSTOM,
        infer=lambda ins, attrs: [(ins[0].dtype, ins[0].signature_shape)],
        doc="test op: x @ x.T of a square x, recording the BLAS thread counts it ran with",
    )
)


class SpyDelegate(sl.Delegate):
    """Runs TestBlasThreads and notes threadpoolctl's BLAS thread counts inside the kernel."""

    name = "test-blas-spy"

    def __init__(self) -> None:
        self.seen: list[list[int]] = []
        table = sl.KernelTable(self.name)
        table.add("TestBlasThreads", self._kernel)
        super().__init__(table)

    def _kernel(self, x):
        try:
            from threadpoolctl import threadpool_info
        except ImportError:
            self.seen.append([])
        else:
            self.seen.append(
                [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
            )
        return x @ x.T


def _model() -> sl.Model:
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [4, 4])
    g.output(g.op("ADD", g.op("TestBlasThreads", x), x), "y")
    mb.signature("serving_default", g)
    return mb.build()


X = np.arange(16, dtype=np.float32).reshape(4, 4) / 8


@pytest.mark.parametrize("value", ["2", 1.0, 0, -1, True, 2, None])
def test_num_threads_is_validated_as_litert_does(value):
    from ai_edge_litert.interpreter import Interpreter

    data = sl.write_model(_model())
    try:
        Interpreter(model_content=data, num_threads=value)
        expected = None
    except ValueError as exc:
        expected = str(exc)
    try:
        sl.Interpreter(model_content=data, num_threads=value)
        got = None
    except InputError as exc:
        got = str(exc)
    assert got == expected


@pytest.mark.parametrize("num_threads", [None, 1, 3])
def test_results_do_not_depend_on_num_threads(num_threads):
    spy = SpyDelegate()
    interp = sl.Interpreter(model=_model(), delegates=[spy], num_threads=num_threads)
    got = interp.get_signature_runner()(x=X)["y"]
    np.testing.assert_allclose(got, X @ X.T + X, rtol=1e-6)
    assert len(spy.seen) == 1


def test_without_threadpoolctl_num_threads_is_only_validated(monkeypatch):
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # import now raises ImportError
    assert BlasThreads(1).libraries == ()
    spy = SpyDelegate()
    interp = sl.Interpreter(model=_model(), delegates=[spy], num_threads=1)
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], X)
    interp.invoke()
    got = interp.get_tensor(interp.get_output_details()[0]["index"])
    np.testing.assert_allclose(got, X @ X.T + X, rtol=1e-6)
    assert spy.seen == [[]]


def test_num_threads_caps_blas_during_invoke_and_restores_it():
    threadpoolctl = pytest.importorskip("threadpoolctl")

    def blas_threads():
        return [
            i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"
        ]

    with threadpoolctl.threadpool_limits(2, user_api="blas"):  # a known starting point
        before = blas_threads()
        if not before or max(before) < 2:
            pytest.skip("no BLAS library with a thread pool of 2 or more is loaded")
        spy = SpyDelegate()
        interp = sl.Interpreter(model=_model(), delegates=[spy], num_threads=1)
        runner = interp.get_signature_runner()
        for _ in range(2):
            runner(x=X)
            assert blas_threads() == before, "the thread counts are restored after each run"
        assert spy.seen == [[1] * len(before)] * 2
        # A limit above the current pools leaves them as they are ("at most").
        roomy = SpyDelegate()
        sl.Interpreter(model=_model(), delegates=[roomy], num_threads=64).get_signature_runner()(
            x=X
        )
        assert roomy.seen == [before]
        assert blas_threads() == before
