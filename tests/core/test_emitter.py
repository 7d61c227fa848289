"""GraphEmitter and its layout/shape helpers: naming, constant sharing, and models run in LiteRT."""

from __future__ import annotations

import numpy as np
import pytest

import siglite as sl
from siglite.errors import UnsupportedOpError
from siglite.ir import Model, Signature, Subgraph, check
from siglite.ir.emitter import (
    NCHW_TO_NHWC,
    NHWC_TO_NCHW,
    GraphEmitter,
    cast,
    normalize_axis,
    reshape,
    reshape_sig,
    sig,
    to_nchw,
    to_nhwc,
    transpose,
)


def _emitter(**kw) -> GraphEmitter:
    return GraphEmitter(Subgraph(name="run"), **kw)


def _run_both(em: GraphEmitter, inputs: dict, outputs: dict, feeds: dict) -> tuple[dict, dict]:
    """Write the emitter's subgraph as signature ``run``; run it in LiteRT and siglite."""
    from ai_edge_litert.interpreter import Interpreter

    em.sg.inputs = list(inputs.values())
    em.sg.outputs = list(outputs.values())
    model = Model(subgraphs=[em.sg], signatures={"run": Signature("run", em.sg, inputs, outputs)})
    data = sl.write_model(check(model))
    want = Interpreter(model_content=data).get_signature_runner("run")(**feeds)
    got = sl.Interpreter(model_content=data).get_signature_runner("run")(**feeds)
    return got, want


def _assert_matches(got: dict, want: dict, outputs: dict) -> None:
    """siglite equals LiteRT, and each declared signature agrees with LiteRT's result."""
    for name, t in outputs.items():
        w = np.asarray(want[name])
        np.testing.assert_array_equal(np.asarray(got[name]), w, err_msg=name)
        assert w.dtype == t.dtype.numpy, name
        assert len(sig(t)) == w.ndim, name
        assert all(d in (-1, a) for d, a in zip(sig(t), w.shape, strict=True)), name


# -- naming ----------------------------------------------------------------------------------------
def test_unique_names_and_rename_frees_the_old_name():
    em = _emitter()
    a, b = em.new_tensor("x", sl.float32, (2,)), em.new_tensor("x", sl.float32, (2,))
    assert (a.name, b.name) == ("x", "x_1")
    em.rename(a, "y")
    assert em.new_tensor("x", sl.float32, (2,)).name == "x"
    assert em.new_tensor("", sl.float32, (2,)).name == "t"


def test_new_tensor_keeps_dynamic_dims_in_the_signature():
    t = _emitter().new_tensor("x", sl.float32, (-1, 3))
    assert t.shape == (1, 3) and t.signature_shape == (-1, 3)


# -- constants -------------------------------------------------------------------------------------
def test_equal_constants_share_one_tensor():
    em = _emitter()
    a = em.const(np.arange(6, dtype=np.int32).reshape(2, 3))
    b = em.const(np.arange(6, dtype=np.int32).reshape(2, 3), "other")
    c = em.const(np.arange(6, dtype=np.int64).reshape(2, 3))
    assert a is b and a is not c
    assert len(em.sg.tensors) == 2


def test_share_limit_leaves_large_constants_apart():
    class Limited(GraphEmitter):
        share_limit = 4

    em = Limited(Subgraph())
    assert em.const(np.zeros(4)) is em.const(np.zeros(4))
    assert em.const(np.zeros(5)) is not em.const(np.zeros(5))


def test_shared_array_store_gives_one_array_object_across_subgraphs():
    store: dict = {}
    a = GraphEmitter(Subgraph(), store).const(np.ones((3, 3), np.float32))
    b = GraphEmitter(Subgraph(), store).const(np.ones((3, 3), np.float32))
    assert a is not b and a.data is b.data


def test_non_contiguous_constant_is_stored_c_contiguous():
    value = np.arange(12, dtype=np.float32).reshape(3, 4).T
    t = _emitter().const(value)
    assert t.data.flags.c_contiguous
    np.testing.assert_array_equal(t.data, value)


def test_const_array_and_const_dtype_hooks():
    class Widening(GraphEmitter):
        def const_array(self, value, dtype, name):
            arr = np.asarray(value, dtype)
            return arr.astype(np.float32) if arr.dtype == np.float16 else arr

        def const_dtype(self, dtype):
            return sl.float32 if dtype == sl.float16 else dtype

    em = Widening(Subgraph())
    assert em.const(np.ones(2, np.float16)).dtype == sl.float32
    x = em.const(np.ones(2, np.float32))
    # a constant cannot hold float16 here, so the cast stays a node
    y = cast(em, x, sl.float16)
    assert y.data is None and em.sg.nodes[-1].op == "CAST"
    assert cast(em, x, sl.int32).data is not None


# -- nodes -----------------------------------------------------------------------------------------
def test_op_infers_output_types_from_the_schema():
    em = _emitter()
    x = em.new_tensor("x", sl.float32, (-1, 3))
    y = em.op("ADD", [x, em.const(np.ones(3, np.float32))], fused_activation="NONE")
    want = sl.get_op("ADD").infer([x, em.sg.tensors[1]], {"fused_activation": "NONE"})
    assert [(y.dtype, sig(y))] == [(d, tuple(s)) for d, s in want]
    assert y.name == "add"


def test_op_multi_names_outputs_by_index():
    em = _emitter()
    x = em.new_tensor("x", sl.float32, (4, 6))
    outs = em.op_multi("SPLIT", [em.const(np.array(1, np.int32)), x], None, num_splits=2)
    assert [t.name for t in outs] == ["split_0", "split_1"]
    assert em.sg.nodes[-1].outputs == outs


# -- helpers, run in LiteRT ------------------------------------------------------------------------
def test_layout_round_trip_reshape_and_cast_run_in_litert():
    em = _emitter()
    x = em.new_tensor("x", sl.float32, (2, 3, 4, 5))
    nhwc = to_nhwc(em, x)
    flat = reshape(em, nhwc, (2, -1))
    back = to_nchw(em, nhwc)
    as_int = cast(em, transpose(em, back, (3, 2, 1, 0)), sl.int32)
    outputs = {"nhwc": nhwc, "flat": flat, "back": back, "as_int": as_int}
    feed = np.random.default_rng(0).normal(size=(2, 3, 4, 5)).astype(np.float32) * 10
    got, want = _run_both(em, {"x": x}, outputs, {"x": feed})
    _assert_matches(got, want, outputs)
    # and LiteRT agrees with numpy on what the helpers mean
    np.testing.assert_array_equal(want["nhwc"], feed.transpose(NCHW_TO_NHWC))
    np.testing.assert_array_equal(want["flat"], feed.transpose(NCHW_TO_NHWC).reshape(2, -1))
    np.testing.assert_array_equal(want["back"], feed)
    np.testing.assert_array_equal(want["as_int"], feed.transpose(3, 2, 1, 0).astype(np.int32))


def test_reshape_with_dynamic_batch_runs_in_litert():
    em = _emitter()
    x = em.new_tensor("x", sl.float32, (-1, 6))
    y = reshape(em, x, (-1, 2, 3))
    assert sig(y) == (-1, 2, 3)
    feed = np.arange(18, dtype=np.float32).reshape(3, 6)
    got, want = _run_both(em, {"x": x}, {"y": y}, {"x": feed})
    _assert_matches(got, want, {"y": y})
    np.testing.assert_array_equal(want["y"], feed.reshape(-1, 2, 3))


def test_helpers_fold_constants_without_nodes():
    em = _emitter()
    value = np.arange(24, dtype=np.float32).reshape(2, 3, 4, 1)
    c = em.const(value)
    folded = [to_nhwc(em, c), to_nchw(em, c), reshape(em, c, (4, -1)), cast(em, c, sl.int8)]
    assert em.sg.nodes == []
    wants = [
        value.transpose(NCHW_TO_NHWC),
        value.transpose(NHWC_TO_NCHW),
        value.reshape(4, -1),
        value.astype(np.int8),
    ]
    for t, w in zip(folded, wants, strict=True):
        assert t.data.dtype == w.dtype
        np.testing.assert_array_equal(t.data, w)


def test_no_op_helpers_return_their_input():
    em = _emitter()
    x = em.new_tensor("x", sl.float32, (2, 3))
    assert transpose(em, x, (0, 1)) is x
    assert reshape(em, x, (2, 3)) is x
    assert reshape(em, x, (-1, 3)) is x  # resolves to the same signature
    assert cast(em, x, sl.float32) is x
    assert em.sg.nodes == []


def test_reshape_rejects_two_unknown_dims_without_a_type():
    em = _emitter()
    x = em.new_tensor("x", sl.float32, (-1, -1, 2))
    with pytest.raises(UnsupportedOpError, match="more than one unknown dim"):
        reshape(em, x, (-1, -1))
    y = reshape(em, x, (-1, -1), out=(sl.float32, (-1, -1)))
    assert em.sg.nodes[-1].outputs == [y]


def test_transpose_with_a_given_type_always_emits_a_node():
    em = _emitter()
    x = em.new_tensor("x", sl.float32, (1, 4, 4, 3))
    y = to_nchw(em, x, (sl.float32, (-1, 3, 4, 4)), "y")
    assert sig(y) == (-1, 3, 4, 4) and em.sg.nodes[-1].op == "TRANSPOSE"


def test_reshape_sig_resolves_minus_one_for_static_inputs():
    for shape, target in [((2, 3, 4), (-1, 4)), ((6,), (3, -1)), ((2, 0), (-1, 5))]:
        assert reshape_sig(shape, target) == np.empty(shape).reshape(target).shape
    assert reshape_sig((-1, 4), (-1, 2, 2)) == (-1, 2, 2)


# -- axes ------------------------------------------------------------------------------------------
def test_normalize_axis_matches_indexing_and_reports_through_fail():
    for rank in range(1, 4):
        for axis in range(-rank, rank):
            want = list(range(rank))[axis]  # Python's own negative indexing
            assert normalize_axis(axis, rank, ValueError) == want
        for bad in (-rank - 1, rank):
            with pytest.raises(KeyError, match=f"axis {bad} out of range for rank {rank}"):
                normalize_axis(bad, rank, KeyError)


def test_normalize_axis_for_scalars():
    assert normalize_axis(0, 0, ValueError) == 0
    with pytest.raises(ValueError):
        normalize_axis(-1, 0, ValueError)
    assert normalize_axis(-1, 0, ValueError, scalar_as_vector=True) == 0
