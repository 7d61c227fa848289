"""ONNX ops defined by a function body (Attention, RotaryEmbedding, GroupNormalization ...).

When no handler converts a node, the node is replaced by the body that the ONNX specification
gives for its op (``onnx.defs``), with the node's attributes substituted; each body node is then
converted on its own. The result is exactly what the specification defines the op to compute,
and anything in the body that does not convert is rejected as usual.
"""

from __future__ import annotations

from typing import Any

from siglite.errors import UnsupportedOpError

from .context import ONNX_DTYPES, GraphContext, NodeView

_ONNX_CODES = {dtype.name: code for code, dtype in ONNX_DTYPES.items()}


def _schema(node: NodeView, opset: int) -> Any:
    from onnx import defs

    try:
        return defs.get_schema(node.op_type, opset, node.proto.domain)
    except Exception:  # no such op at this opset: there is no body either
        return None


def _type_proto(t: Any) -> Any:
    from onnx import helper

    if t is None:
        return helper.make_tensor_type_proto(0, None)
    dims = [d if d >= 0 else None for d in t.signature_shape]
    return helper.make_tensor_type_proto(_ONNX_CODES.get(t.dtype.name, 0), dims)


def _with_defaults(node: NodeView, schema: Any) -> Any:
    """The node with the schema's default attribute values filled in (as ONNX's own expander)."""
    from onnx import NodeProto

    full = NodeProto()
    full.CopyFrom(node.proto)
    given = {a.name for a in full.attribute}
    for name, attr in schema.attributes.items():
        default = attr.default_value
        if name not in given and default.name:
            full.attribute.append(default)
    return full


def function_body(ctx: GraphContext, node: NodeView) -> Any:
    """The ONNX FunctionProto that defines ``node``'s op at the graph's opset, or ``None``."""
    from onnx import FunctionProto

    schema = _schema(node, ctx.opset)
    if schema is None:
        return None
    full = _with_defaults(node, schema)
    fixed = [v for v in schema.function_opset_versions if v <= ctx.opset]
    dependent = [v for v in schema.context_dependent_function_opset_versions if v <= ctx.opset]
    if max(fixed, default=-1) >= max(dependent, default=-1) and fixed:
        data = schema.get_function_with_opset_version(max(fixed))
    elif dependent:
        types = [_type_proto(t).SerializeToString() for t in node.inputs()]
        try:
            data = schema.get_context_dependent_function_with_opset_version(
                max(dependent), full.SerializeToString(), types
            )
        except Exception:  # the builder needs input types we could not give
            return None
    else:
        return None
    body = FunctionProto()
    body.ParseFromString(data)
    return (body, full) if body.node else None


def function_opset(body: Any, default: int) -> int:
    for imp in body.opset_import:
        if imp.domain in ("", "ai.onnx"):
            return int(imp.version)
    return default


def _rename_attrs(proto: Any, attrs: dict[str, Any]) -> list[Any]:
    from onnx import AttributeProto

    out = []
    for attr in proto.attribute:
        if attr.type in (AttributeProto.GRAPH, AttributeProto.GRAPHS):
            raise UnsupportedOpError("a function body with subgraph attributes")
        if attr.ref_attr_name:
            if attr.ref_attr_name not in attrs:
                continue  # the caller did not set it: the body node's own default applies
            new = AttributeProto()
            new.CopyFrom(attrs[attr.ref_attr_name])
            new.name = attr.name
            out.append(new)
        else:
            out.append(attr)
    return out


def expand_nodes(ctx: GraphContext, node: NodeView, body: Any, full: Any) -> list[Any]:
    """The body's nodes wired to ``node``'s inputs and outputs (internal values renamed)."""
    from onnx import NodeProto

    names: dict[str, str] = {"": ""}
    for i, name in enumerate(body.input):
        names[name] = node.input_names[i] if i < len(node.input_names) else ""
    for i, name in enumerate(body.output):
        if i < len(node.output_names) and node.output_names[i]:
            names[name] = node.output_names[i]
    prefix = f"{node.name}::"
    attrs = {a.name: a for a in full.attribute}
    nodes = []
    for inner in body.node:
        new = NodeProto()
        new.CopyFrom(inner)
        new.ClearField("attribute")
        new.attribute.extend(_rename_attrs(inner, attrs))
        for field in ("input", "output"):
            values = [names.get(v, prefix + v) for v in getattr(inner, field)]
            new.ClearField(field)
            getattr(new, field).extend(values)
        new.name = prefix + (inner.name or inner.output[0])
        nodes.append(new)
    return nodes


def infer_inner_types(ctx: GraphContext, node: NodeView, nodes: list[Any], opset: int) -> None:
    """Record ONNX shape inference's types of the body's internal values in ``ctx``."""
    import onnx
    from onnx import helper, numpy_helper

    inputs, inits, seen = [], [], set()
    for i, name in enumerate(node.input_names):
        t = node.input(i)
        if not name or t is None or name in seen:
            continue
        seen.add(name)
        if t.data is not None and t.data.size <= 1024 and t.dtype.name != "string":
            inits.append(numpy_helper.from_array(t.data, name))
        inputs.append(helper.make_value_info(name, _type_proto(t)))
    graph = helper.make_graph(nodes, "body", inputs, [], initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    try:
        inferred = onnx.shape_inference.infer_shapes(model, data_prop=True)
    except Exception:  # inference is an aid; handlers compute what it cannot give
        return
    from .frontend import _value_infos

    for name, info in _value_infos(inferred.graph).items():
        ctx.value_info.setdefault(name, info)
