"""ONNX Einsum (one and two operands) against onnxruntime, in float32 (BATCH_MATMUL) and in
float64 / int32 (broadcast MUL and SUM, kept in the operands' precision)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from onnx_oracles import assert_close, convert, litert_run, node_model, ort_run, sl_run  # noqa: E402

import siglite as sl  # noqa: E402

TWO = [
    ("ij,jk->ik", (3, 4), (4, 5)),
    ("bij,bjk->bik", (2, 3, 4), (2, 4, 5)),
    ("bhqd,bhkd->bhqk", (2, 3, 4, 5), (2, 3, 6, 5)),
    ("i,j->ij", (3,), (4,)),
    ("ij,ij->i", (3, 4), (3, 4)),
    ("i,i", (5,), (5,)),
    ("bij,jk", (2, 3, 4), (4, 5)),
    ("...ij,...jk->...ik", (2, 3, 4, 5), (2, 1, 5, 6)),
    ("bn,anm->bam", (2, 3), (4, 3, 5)),
    ("abc,cd->", (2, 3, 4), (4, 5)),
    ("ijk,kj->ik", (2, 3, 4), (4, 3)),
]
ONE = [
    ("ij->ji", (3, 4)),
    ("ij->i", (3, 4)),
    ("ij->", (3, 4)),
    ("ii->i", (4, 4)),
    ("ii", (4, 4)),
    ("...ii->...i", (2, 3, 3)),
    ("abc->cba", (2, 3, 4)),
    ("bii->b", (2, 3, 3)),
]


def rand(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "i":
        return rng.integers(-5, 5, shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
@pytest.mark.parametrize(("equation", "a", "b"), TWO)
def test_two_operands(equation, a, b, dtype):
    feeds = {"a": rand(a, dtype, 1), "b": rand(b, dtype, 2)}
    model = node_model("Einsum", ["a", "b"], ["y"], feeds, opset=12, equation=equation)
    assert_close(sl_run(model, feeds), ort_run(model, feeds))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("equation", "a"), ONE)
def test_one_operand(equation, a, dtype):
    feeds = {"a": rand(a, dtype, 3)}
    model = node_model("Einsum", ["a"], ["y"], feeds, opset=12, equation=equation)
    assert_close(sl_run(model, feeds), ort_run(model, feeds))


def test_dynamic_batch_matmul():
    feeds = {"a": rand((2, 3, 4), np.float32, 4), "b": rand((2, 4, 5), np.float32, 5)}
    dims = {"a": ["n", 3, 4], "b": ["n", 4, 5]}
    model = node_model("Einsum", ["a", "b"], ["y"], feeds, opset=12, dims=dims,
                       equation="nij,njk->nik")  # fmt: skip
    for n in (1, 3):
        f = {"a": rand((n, 3, 4), np.float32, n), "b": rand((n, 4, 5), np.float32, n + 1)}
        assert_close(sl_run(model, f), ort_run(model, f))


@pytest.mark.parametrize("equation", ["bhqd,bhkd->bhqk", "ii->i"])
def test_litert_runs_the_converted_graph(equation):
    shapes = {"bhqd,bhkd->bhqk": [(2, 3, 4, 5), (2, 3, 6, 5)], "ii->i": [(4, 4)]}[equation]
    feeds = {n: rand(s, np.float32, i) for i, (n, s) in enumerate(zip("ab", shapes, strict=False))}
    model = node_model("Einsum", list(feeds), ["y"], feeds, opset=12, equation=equation)
    assert_close(litert_run(model, feeds), ort_run(model, feeds))


def test_three_operands_are_rejected():
    feeds = {n: rand((3, 3), np.float32, i) for i, n in enumerate("abc")}
    model = node_model("Einsum", ["a", "b", "c"], ["y"], feeds, opset=12, equation="ij,jk,kl->il")
    with pytest.raises(sl.SigliteError, match="two-operand"):
        sl.Converter.from_onnx(model).convert_model()


@pytest.mark.parametrize(("dtype", "op"), [(np.float32, "BATCH_MATMUL"), (np.float64, "MUL")])
def test_float32_uses_batch_matmul_other_dtypes_keep_their_precision(dtype, op):
    feeds = {"a": rand((2, 3, 4), dtype, 1), "b": rand((2, 4, 5), dtype, 2)}
    model = node_model("Einsum", ["a", "b"], ["y"], feeds, opset=12, equation="bij,bjk->bik")
    _, ir = convert(model)
    ops = {n.op for n in ir.subgraphs[0].nodes}
    assert op in ops
    assert all(t.dtype.numpy == np.dtype(dtype) for t in ir.subgraphs[0].tensors if t.rank == 3)
