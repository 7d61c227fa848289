"""ONNX model(s) -> siglite Model: loading, one subgraph per graph, signatures, layout passes."""

from __future__ import annotations

import keyword
import os
import re
from typing import Any

import numpy as np

import siglite.dtypes as sdt
from siglite.errors import ConverterError, UnsupportedOpError
from siglite.ir import Model, Signature, Subgraph, Tensor, check
from siglite.ir.graph import unique_name
from siglite.passes import eliminate_dead_code
from siglite.passes.transposes import optimize_transposes

from .context import GraphContext, NodeView, onnx_dtype
from .emit import NCHW_TO_NHWC, NHWC_TO_NCHW, is_static, sig, transpose
from .folding import try_fold
from .functions import expand_nodes, function_body, function_opset, infer_inner_types

MIN_OPSET = 7


def load_model(model: Any) -> Any:
    """An ``onnx.ModelProto`` from a ModelProto, serialized bytes or a file path."""
    import onnx

    if isinstance(model, onnx.ModelProto):
        return model
    if isinstance(model, (bytes, bytearray, memoryview)):
        try:
            return onnx.load_from_string(bytes(model))
        except Exception as exc:
            raise ConverterError(f"bytes given to from_onnx are not an ONNX model: {exc}") from None
    if isinstance(model, (str, os.PathLike)):
        if not os.path.exists(model):
            raise ConverterError(f"ONNX model file {os.fspath(model)!r} does not exist")
        return onnx.load(os.fspath(model))
    raise ConverterError(
        f"from_onnx expects a path, bytes, an onnx.ModelProto or a dict of them, got {model!r}"
    )


def default_opset(model: Any) -> int:
    for imp in model.opset_import:
        if imp.domain in ("", "ai.onnx"):
            return int(imp.version)
    return MIN_OPSET


def normalize(model: Any) -> tuple[Any, Any]:
    """Bring opsets below 7 up to 7 and run ONNX shape inference (best effort): the model and
    a model whose graph holds the inferred types (its initializers may be left out)."""
    import onnx

    if default_opset(model) < MIN_OPSET:
        try:
            model = onnx.version_converter.convert_version(model, MIN_OPSET)
        except Exception as exc:
            raise UnsupportedOpError(
                f"ONNX opset {default_opset(model)} is older than {MIN_OPSET} and could not be "
                f"upgraded: {exc}"
            ) from None
    try:
        inferred = onnx.shape_inference.infer_shapes(_without_big_weights(model), data_prop=True)
    except Exception:  # inference is an aid; handlers compute what it cannot give
        inferred = model
    return model, inferred


# Initializers above this size are given to shape inference as typed inputs instead: it needs
# their shapes only (values matter for shape arithmetic, which uses small tensors), and
# serializing hundreds of megabytes of weights for it dominated conversion time.
BIG_WEIGHT_BYTES = 1 << 16


def _without_big_weights(model: Any) -> Any:
    import onnx
    from onnx import helper

    graph = model.graph
    big = [i for i in graph.initializer if _payload_bytes(i) > BIG_WEIGHT_BYTES]
    if not big:
        return model
    stub = onnx.ModelProto(ir_version=model.ir_version)
    stub.opset_import.extend(model.opset_import)
    stub.functions.extend(model.functions)
    g = stub.graph
    g.name = graph.name
    g.node.extend(graph.node)
    g.input.extend(graph.input)
    g.output.extend(graph.output)
    g.value_info.extend(graph.value_info)
    g.sparse_initializer.extend(graph.sparse_initializer)
    big_names = {i.name for i in big}
    g.initializer.extend(i for i in graph.initializer if i.name not in big_names)
    declared = {vi.name for vi in graph.input}
    g.input.extend(
        helper.make_tensor_value_info(i.name, i.data_type, list(i.dims))
        for i in big
        if i.name not in declared
    )
    return stub


def _payload_bytes(init: Any) -> int:
    return int(np.prod(init.dims, dtype=np.int64)) * 4 if init.dims else 0


def _type_of(value_info: Any) -> tuple[Any, tuple[int, ...] | None]:
    tt = value_info.type.tensor_type if value_info.type.HasField("tensor_type") else None
    if tt is None:
        return None, None
    dtype = onnx_dtype(tt.elem_type, f"ONNX value {value_info.name!r}") if tt.elem_type else None
    if not tt.HasField("shape"):
        return dtype, None
    dims = tuple(d.dim_value if d.HasField("dim_value") else -1 for d in tt.shape.dim)
    return dtype, dims


def _value_infos(graph: Any) -> dict[str, Any]:
    infos: dict[str, Any] = {}
    for vi in (*graph.input, *graph.value_info, *graph.output):
        try:
            infos[vi.name] = _type_of(vi)
        except UnsupportedOpError:
            continue
    return infos


def valid_name(name: str, taken: set[str]) -> str:
    """``name`` as a Python identifier (signature runners take inputs as keyword arguments)."""
    out = re.sub(r"\W", "_", name) or "x"
    if out[0].isdigit():
        out = "_" + out
    if keyword.iskeyword(out):
        out += "_"  # `class` cannot be a keyword argument; `class_` can
    return unique_name(out, taken)


def _add_inputs(ctx: GraphContext, graph: Any, nhwc_io: bool) -> dict[str, Tensor]:
    inits = {i.name for i in graph.initializer}
    inputs: dict[str, Tensor] = {}
    taken: set[str] = set()
    for vi in graph.input:
        if vi.name in inits:
            continue
        dtype, dims = _type_of(vi)
        if dtype is None or dims is None:
            raise UnsupportedOpError(f"graph input {vi.name!r}: its type and rank must be known")
        image = nhwc_io and len(dims) == 4
        shape = tuple(dims[p] for p in NCHW_TO_NHWC) if image else dims
        t = ctx.new_tensor(vi.name, dtype, shape)
        ctx.sg.inputs.append(t)
        inputs[valid_name(vi.name, taken)] = t
        ctx.bind(vi.name, transpose(ctx, t, NHWC_TO_NCHW) if image else t)
    return inputs


def _add_initializers(ctx: GraphContext, graph: Any) -> None:
    from onnx import numpy_helper

    for init in graph.initializer:
        try:
            dtype = onnx_dtype(init.data_type, f"initializer {init.name!r}")
        except UnsupportedOpError as exc:
            ctx.deferred_errors[init.name] = exc
            continue
        arr = np.asarray(numpy_helper.to_array(init)).astype(dtype.numpy, copy=False)
        ctx.bind(init.name, ctx.const(arr, init.name))


def _convert_node(ctx: GraphContext, proto: Any, handlers: dict[str, Any]) -> None:
    node = NodeView(proto, ctx)
    if proto.domain not in ("", "ai.onnx"):
        raise node.error(f"operator domain {proto.domain!r} is not supported")
    for name in node.input_names:
        if name and name not in ctx.values:
            if name in ctx.deferred_errors:
                raise node.error(str(ctx.deferred_errors[name]))
            raise node.error(f"input {name!r} is not defined before the node")
    folded = try_fold(ctx, node)
    if folded is None:
        fn = handlers.get(node.op_type)
        if fn is None:
            if _expand(ctx, node, handlers, None):
                return
            raise node.error("this ONNX operator has no siglite conversion")
        try:
            outs = fn(ctx, node)
            node.check_attrs_used()
        except UnsupportedOpError as exc:
            exc = _naming(node, exc)
            if _expand(ctx, node, handlers, exc):
                return
            raise exc from None
    else:
        outs = folded
    for i, name in enumerate(node.output_names):
        if name and i < len(outs) and outs[i] is not None:
            ctx.bind(name, outs[i])
        elif name:
            raise node.error(f"output {i} ({name!r}) is not supported")


def _naming(node: NodeView, exc: UnsupportedOpError) -> UnsupportedOpError:
    """``exc``, or the same message led by the node's name where a shared helper raised it."""
    if node.where in str(exc):
        return exc
    return UnsupportedOpError(f"{node.where}: {exc}")


def _expand(ctx: GraphContext, node: NodeView, handlers: dict[str, Any], why: Exception | None):
    """Convert ``node`` as its ONNX function body; False when its op has no body."""
    found = function_body(ctx, node)
    if found is None:
        return False
    body, full = found
    opset = ctx.opset
    try:
        ctx.opset = function_opset(body, opset)
        nodes = expand_nodes(ctx, node, body, full)
        infer_inner_types(ctx, node, nodes, ctx.opset)
        for inner in nodes:
            _convert_node(ctx, inner, handlers)
    except UnsupportedOpError as exc:
        first = str(why) if why is not None else f"{node.where}: no direct conversion"
        raise UnsupportedOpError(
            f"{first}; its ONNX function body does not convert: {exc}"
        ) from None
    finally:
        ctx.opset = opset
    missing = [n for n in node.output_names if n and n not in ctx.values]
    if missing:
        raise node.error(f"the function body does not compute output(s) {missing}")
    return True


def _output_tensor(ctx: GraphContext, name: str, t: Tensor, seen: set[int], nhwc: bool) -> Tensor:
    if nhwc and t.rank == 4:
        t = transpose(ctx, t, NCHW_TO_NHWC)
    if t.data is not None or t in ctx.sg.inputs or id(t) in seen:
        # Keep every signature output a distinct tensor that a node writes.
        if t.data is not None and t.data.size == 0:
            raise UnsupportedOpError(
                f"graph output {name!r}: empty constant outputs are not supported"
            )
        if t.rank == 0:
            return _scalar_copy(ctx, name, t, seen)
        if is_static(t):
            shape = ctx.const(np.array(sig(t), np.int32))
        else:
            shape = ctx.op("SHAPE", [t], (sdt.int32, (t.rank,)), out_type="INT32")
        t = ctx.op("RESHAPE", [t, shape], (t.dtype, sig(t)), name)
    elif t.name != name:
        ctx.rename(t, name)
    seen.add(id(t))
    return t


def _scalar_copy(ctx: GraphContext, name: str, t: Tensor, seen: set[int]) -> Tensor:
    if t.dtype.name == "bool":
        out = ctx.op("LOGICAL_AND", [t, ctx.const(np.array(True))], (t.dtype, ()), name)
    elif t.dtype.name == "string":
        raise UnsupportedOpError(
            f"graph output {name!r}: string constant outputs are not supported"
        )
    else:
        out = ctx.op("ADD", [t, ctx.const(np.array(0, t.dtype.numpy))], (t.dtype, ()), name)
    seen.add(id(out))
    return out


def convert_graph(proto: Any, key: str, sg_name: str, nhwc_io: bool = False) -> Signature:
    """Convert the graph of ONNX model ``proto`` into a new subgraph with a signature ``key``."""
    from .ops import load_handlers

    handlers = load_handlers()
    model, inferred = normalize(proto)
    graph = model.graph
    ctx = GraphContext(Subgraph(name=sg_name), _value_infos(inferred.graph), default_opset(model))
    _add_initializers(ctx, graph)
    inputs = _add_inputs(ctx, graph, nhwc_io)
    for node in graph.node:
        _convert_node(ctx, node, handlers)
    outputs: dict[str, Tensor] = {}
    taken: set[str] = set()
    seen: set[int] = set()
    for vi in graph.output:
        t = _output_tensor(ctx, vi.name, ctx.tensor(vi.name), seen, nhwc_io)
        declared = ctx.value_info.get(vi.name, (None, None))[0]
        if declared is not None and declared != t.dtype:
            raise UnsupportedOpError(
                f"graph output {vi.name!r}: converted as {t.dtype.name}, ONNX declares "
                f"{declared.name}"
            )
        ctx.sg.outputs.append(t)
        outputs[valid_name(vi.name, taken)] = t
    return Signature(key, ctx.sg, inputs, outputs)


def convert(
    model: Any,
    signature_key: str = "serving_default",
    *,
    nhwc_io: bool = False,
    optimize: bool = True,
) -> Model:
    """Convert ONNX model(s) to a siglite :class:`~siglite.ir.Model`.

    ``model``: a path, serialized bytes or ``onnx.ModelProto`` (one signature named
    ``signature_key``), or a dict ``{signature_key: model}`` (one signature per graph; equal
    initializers become equal constants, which the writer stores once).
    ``nhwc_io``: make 4-D graph inputs and outputs NHWC instead of the graph's NCHW.
    ``optimize``: remove cancelling transposes (on by default).
    """
    sources = dict(model) if isinstance(model, dict) else {signature_key: model}
    if not sources:
        raise ConverterError("from_onnx got an empty dict of models")
    out = Model(description="siglite ONNX frontend")
    single = len(sources) == 1
    for key, src in sources.items():
        if not isinstance(key, str) or not key:
            raise ConverterError(f"signature keys must be non-empty strings, got {key!r}")
        signature = convert_graph(load_model(src), key, "main" if single else key, nhwc_io)
        out.subgraphs.append(signature.subgraph)
        out.signatures[key] = signature
    if optimize:
        out = optimize_transposes(out)
    return check(eliminate_dead_code(out))
