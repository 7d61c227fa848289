"""Small shared helpers for ONNX op tests: build one-node models, run them in onnxruntime,
siglite and LiteRT, and compare."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import helper, numpy_helper

import siglite as sl
from siglite.format import write_model


def value_info(name: str, array: np.ndarray, dims=None):
    """A graph input or output typed like ``array`` (``dims`` overrides its shape)."""
    code = helper.np_dtype_to_tensor_dtype(np.asarray(array).dtype)
    return helper.make_tensor_value_info(
        name, code, np.asarray(array).shape if dims is None else dims
    )


def node_model(
    op: str,
    inputs: list[str],
    outputs: list[str],
    feeds: dict[str, np.ndarray],
    consts: dict[str, np.ndarray] | None = None,
    opset: int = 22,
    dims: dict[str, list] | None = None,
    **attrs,
) -> onnx.ModelProto:
    """One ``op`` node: ``feeds`` are graph inputs, ``consts`` initializers, ``""`` an omitted
    input; ``dims`` gives symbolic shapes for some inputs."""
    node = helper.make_node(op, inputs, outputs, **attrs)
    dims = dims or {}
    graph_inputs = [value_info(n, a, dims.get(n)) for n, a in feeds.items()]
    inits = [numpy_helper.from_array(np.asarray(a), n) for n, a in (consts or {}).items()]
    graph_outputs = [helper.make_empty_tensor_value_info(o) for o in outputs if o]
    graph = helper.make_graph([node], "g", graph_inputs, graph_outputs, initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 10
    return model


def ort_run(model: onnx.ModelProto, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    import onnxruntime as ort

    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return sess.run(None, feeds)


def ref_run(model: onnx.ModelProto, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    from onnx.reference import ReferenceEvaluator

    return ReferenceEvaluator(model).run(None, feeds)


def convert(model: onnx.ModelProto) -> tuple[bytes, sl.ir.Model]:
    ir = sl.Converter.from_onnx(model).convert_model()
    return write_model(ir), ir


def output_names(model: onnx.ModelProto) -> list[str]:
    return [o.name for o in model.graph.output]


def sl_run(model: onnx.ModelProto, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    content, _ = convert(model)
    runner = sl.Interpreter(model_content=content).get_signature_runner()
    got = runner(**feeds)
    return [got[name] for name in output_names(model)]


def litert_run(model: onnx.ModelProto, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    content, ir = convert(model)
    for node in ir.subgraphs[0].nodes:
        assert node.op.isupper(), f"{node.op} is not a builtin"
    lite = Interpreter(
        model_content=content,
        experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
    )
    got = lite.get_signature_runner("serving_default")(**feeds)
    return [got[name] for name in output_names(model)]


def assert_close(got, want, rtol=1e-5, atol=1e-5) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        w = np.asarray(w)
        assert g.dtype == w.dtype, (g.dtype, w.dtype)
        assert g.shape == w.shape, (g.shape, w.shape)
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)
