"""The runtime hands kernels that take ``out=`` their output's arena view to fill."""

from __future__ import annotations

import numpy as np
import pytest
from runtime_models import litert

import siglite as sl
from siglite.ops import register_op
from siglite.ops.registry import CUSTOM, OpSchema

register_op(
    OpSchema(
        "TestDoubleInto",
        opset=CUSTOM,
        infer=lambda ins, attrs: [(ins[0].dtype, ins[0].signature_shape)],
        doc="test op: 2 * x, written into out= when it fits",
    )
)
register_op(
    OpSchema(
        "TestStackInto",
        opset=CUSTOM,
        infer=lambda ins, attrs: [(ins[0].dtype, ins[0].signature_shape)],  # wrong on purpose
        doc="test op: x stacked on itself, although its shape rule says x's shape",
    )
)


class OutDelegate(sl.Delegate):
    """Kernels that record the ``out`` they were given."""

    name = "test-out"

    def __init__(self) -> None:
        self.seen: list[np.ndarray | None] = []
        table = sl.KernelTable(self.name)
        table.add("TestDoubleInto", self._double)
        table.add("TestStackInto", self._stack)
        super().__init__(table)

    def _double(self, x, *, out=None):
        self.seen.append(out)
        if out is not None and out.shape == x.shape:
            return np.multiply(x, 2, out=out)
        return x * 2

    def _stack(self, x, *, out=None):
        self.seen.append(out)
        result = np.concatenate([x, x])
        if out is not None and out.shape == result.shape:
            out[...] = result
            return out
        return result


def _model(op: str) -> sl.Model:
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [2, 3])
    y = g.op(op, x)
    g.output(g.op("ADD", y, y), "y")
    mb.signature("serving_default", g)
    return mb.build()


def test_out_is_the_outputs_arena_view():
    delegate = OutDelegate()
    interp = sl.Interpreter(model=_model("TestDoubleInto"), delegates=[delegate])
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    for _ in range(2):
        np.testing.assert_array_equal(interp.get_signature_runner()(x=x)["y"], 4 * x)
    out = delegate.seen[-1]
    assert out is not None and out.shape == (2, 3)
    sg = interp.model.subgraphs[0]
    index = next(i for i, t in enumerate(sg.tensors) if t is sg.nodes[0].outputs[0])
    assert np.shares_memory(out, interp.tensor(index)())
    assert interp.memory_plan()["subgraphs"][0]["dynamic_tensors"] == []


def test_a_kernel_may_ignore_out_when_the_plan_is_wrong():
    delegate = OutDelegate()
    interp = sl.Interpreter(model=_model("TestStackInto"), delegates=[delegate])
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    for _ in range(2):
        out = interp.get_signature_runner()(x=x)["y"]
        np.testing.assert_array_equal(out, 2 * np.concatenate([x, x]))
    assert delegate.seen[-1].shape == (2, 3)


def _conv_model() -> sl.Model:
    rng = np.random.default_rng(5)
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [1, 9, 9, 3])
    w = g.const(rng.standard_normal((4, 3, 3, 3)).astype(np.float32), "w")
    b = g.const(rng.standard_normal(4).astype(np.float32), "b")
    one = {"stride_h": 1, "stride_w": 1}
    h = g.op("CONV_2D", x, w, b, padding="SAME", fused_activation="RELU", **one)
    dw = g.const(rng.standard_normal((1, 3, 3, 4)).astype(np.float32), "dw")
    db = g.const(np.zeros(4, np.float32), "db")
    h = g.op("DEPTHWISE_CONV_2D", h, dw, db, padding="VALID", depth_multiplier=1, **one)
    h = g.op("MAX_POOL_2D", h, padding="SAME", stride_h=2, stride_w=2, filter_height=2,
             filter_width=2)  # fmt: skip
    h = g.op("RESHAPE", h, g.const(np.array([1, 64], np.int32), "shape"))
    fw = g.const(rng.standard_normal((5, 64)).astype(np.float32), "fw")
    g.output(g.op("FULLY_CONNECTED", h, fw, None, fused_activation="RELU6"), "y")
    mb.signature("serving_default", g)
    return mb.build()


@pytest.mark.parametrize("preserve", [False, True])
def test_numpy_kernels_writing_into_the_arena_match_litert(preserve):
    data = sl.write_model(_conv_model())
    ours = sl.Interpreter(model_content=data, experimental_preserve_all_tensors=preserve)
    theirs = litert(data)
    x = np.random.default_rng(0).standard_normal((1, 9, 9, 3)).astype(np.float32)
    want = theirs.get_signature_runner()(x=x)["y"]
    for _ in range(2):  # the second call reuses the arena
        got = ours.get_signature_runner()(x=x)["y"]
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
