"""One exported program -> one siglite subgraph with its signature."""

from __future__ import annotations

import inspect
from typing import Any

import siglite.dtypes as sdt
from siglite.errors import ConverterError
from siglite.ir import Signature, Subgraph, Tensor

from .context import Context, SymVal, dim_of, torch_dtype
from .emit import NCHW_TO_NHWC, NHWC_TO_NCHW, cast, transpose


def target_key(target: Any) -> str:
    """The handler-table key of an FX call target (``aten.add.Tensor``, ``_operator.mul``)."""
    import torch

    if isinstance(target, torch._ops.OpOverload):
        return str(target)
    return f"{getattr(target, '__module__', '')}.{getattr(target, '__name__', target)}"


def _map(value: Any, fn: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return type(value)(_map(v, fn) for v in value)
    if isinstance(value, dict):
        return {k: _map(v, fn) for k, v in value.items()}
    return fn(value)


def _has_ir(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return any(_has_ir(v) for v in value)
    return isinstance(value, (Tensor, SymVal))


def _lookup(ctx: Context, value: Any) -> Any:
    import torch.fx

    if isinstance(value, torch.fx.Node):
        if value.name not in ctx.values:
            raise ctx.error(f"value {value.name} is used before it is defined")
        return ctx.values[value.name]
    return value


def _fold(ctx: Context, node: Any, args: tuple, kwargs: dict) -> Any:
    """Evaluate a node whose inputs are all constants with torch itself."""
    import torch

    with torch.no_grad():
        try:
            value = node.target(*args, **kwargs)
            if str(node.target) in FOLD_AS_ZEROS:  # deterministic files, not stale memory
                value = torch.zeros_like(value)
            return value
        except Exception as exc:
            raise ctx.error(f"constant evaluation failed: {exc}") from None


def convert_node(ctx: Context, node: Any, handlers: dict[str, Any]) -> None:
    import torch

    ctx.node = node
    args = _map(node.args, lambda v: _lookup(ctx, v))
    kwargs = _map(dict(node.kwargs), lambda v: _lookup(ctx, v))
    key = target_key(node.target)
    is_aten = isinstance(node.target, torch._ops.OpOverload)
    if is_aten and not _has_ir((args, list(kwargs.values()))) and key not in FOLD_NEVER:
        ctx.values[node.name] = _fold(ctx, node, args, kwargs)
        return
    if not is_aten and not _has_ir(args) and key != "_operator.getitem":
        ctx.values[node.name] = node.target(*args, **kwargs)
        return
    handler = handlers.get(key)
    if handler is None:
        raise ctx.error("no siglite conversion for this op")
    try:
        inspect.signature(handler).bind(ctx, *args, **kwargs)
    except TypeError as exc:  # an argument the handler does not take: reject, never guess
        raise ctx.error(f"unsupported arguments: {exc}") from None
    ctx.values[node.name] = handler(ctx, *args, **kwargs)


# Uninitialised memory (always overwritten before it is read) is stored as zeros.
FOLD_AS_ZEROS = frozenset(
    {"aten.empty.memory_format", "aten.empty_strided.default", "aten.empty_like.default",
     "aten.new_empty.default"}
)  # fmt: skip
# Assertions must not be evaluated on placeholder values at conversion time.
FOLD_NEVER = frozenset({"aten._assert_scalar.default", "aten._assert_tensor_metadata.default"})


def _input_tensor(ctx: Context, node: Any, name: str, nhwc_io: bool) -> tuple[Tensor, Tensor]:
    val = node.meta.get("val")
    if val is None or not hasattr(val, "shape"):
        raise ConverterError(f"input {name!r}: only tensor inputs are supported")
    dtype = torch_dtype(val.dtype, f"input {name!r}", compute=False)
    shape = tuple(dim_of(d) for d in val.shape)
    image = nhwc_io and len(shape) == 4
    t = ctx.new_tensor(name, dtype, tuple(shape[p] for p in NCHW_TO_NHWC) if image else shape)
    value = cast(ctx, t, torch_dtype(val.dtype, f"input {name!r}"), "input_compute")
    return t, transpose(ctx, value, NHWC_TO_NCHW, "input_nchw") if image else value


def _bind_placeholders(ctx: Context, ep: Any, names: list[str], nhwc_io: bool) -> dict:
    from torch.export.graph_signature import InputKind, TensorArgument

    specs = ep.graph_signature.input_specs
    placeholders = [n for n in ep.graph.nodes if n.op == "placeholder"]
    consts = {**ep.state_dict, **ep.constants}
    inputs: dict[str, Tensor] = {}
    user = 0
    for node, spec in zip(placeholders, specs, strict=True):
        if spec.kind == InputKind.USER_INPUT:
            name = names[user] if user < len(names) else node.name
            user += 1
            if not isinstance(spec.arg, TensorArgument):
                ctx.values[node.name] = node.meta.get("val", getattr(spec.arg, "value", None))
                continue
            sig_tensor, value = _input_tensor(ctx, node, name, nhwc_io)
            ctx.sg.inputs.append(sig_tensor)
            inputs[name] = sig_tensor
            ctx.values[node.name] = value
        elif spec.kind in (InputKind.PARAMETER, InputKind.BUFFER, InputKind.CONSTANT_TENSOR):
            ctx.values[node.name] = consts[spec.target].detach()
        else:
            raise ConverterError(f"input {node.name!r} of kind {spec.kind.name} is not supported")
    return inputs


def _output_tensor(
    ctx: Context, name: str, value: Any, seen: set[int], nhwc: bool, dtype: Any = None
) -> Tensor:
    if isinstance(value, (SymVal, int, float, bool)) or value is None:
        raise ConverterError(f"output {name!r}: only tensor outputs are supported, got {value!r}")
    t = value if isinstance(value, Tensor) else ctx.const(value, name)
    if nhwc and t.rank == 4:
        t = transpose(ctx, t, NCHW_TO_NHWC, name)
    if dtype is not None and t.dtype != dtype:  # float16 results computed in float32
        t = cast(ctx, t, dtype, name)
    if t.data is not None or t in ctx.sg.inputs or id(t) in seen:
        # every signature output is a distinct tensor written by a node
        sig = t.signature_shape
        if all(d >= 0 for d in sig):
            shape = ctx.ints(sig)
        else:
            shape = ctx.op("SHAPE", [t], (sdt.int32, (t.rank,)), "shape", out_type="INT32")
        t = ctx.op("RESHAPE", [t, shape], (t.dtype, sig), name)
    else:
        ctx.rename(t, name)
    seen.add(id(t))
    return t


def _check_no_mutations(ep: Any) -> None:
    from torch.export.graph_signature import OutputKind

    for spec in ep.graph_signature.output_specs:
        if spec.kind != OutputKind.USER_OUTPUT:
            raise ConverterError(
                f"the program updates {spec.target!r} ({spec.kind.name}); "
                "convert a module in eval mode that does not update its state"
            )


def _outputs(ctx: Context, ep: Any, names: list[str], nhwc_io: bool) -> dict[str, Tensor]:
    out_node = next(n for n in ep.graph.nodes if n.op == "output")
    outputs: dict[str, Tensor] = {}
    seen: set[int] = set()
    for i, value in enumerate(out_node.args[0]):
        name = names[i] if i < len(names) else f"output_{i}"
        val = value.meta.get("val") if hasattr(value, "meta") else None
        dtype = torch_dtype(val.dtype, f"output {name!r}", False) if hasattr(val, "dtype") else None
        t = _output_tensor(ctx, name, _lookup(ctx, value), seen, nhwc_io, dtype)
        ctx.sg.outputs.append(t)
        outputs[name] = t
    return outputs


def convert_program(
    ep: Any,
    key: str,
    sg_name: str,
    names: tuple[list[str], list[str]],
    consts: dict,
    nhwc_io: bool = False,
) -> Signature:
    """Convert exported program ``ep`` into a new subgraph with signature ``key``."""
    from .ops import load_handlers

    handlers = load_handlers()
    _check_no_mutations(ep)
    ctx = Context(Subgraph(name=sg_name), consts)
    inputs = _bind_placeholders(ctx, ep, names[0], nhwc_io)
    for node in ep.graph.nodes:
        if node.op == "call_function":
            convert_node(ctx, node, handlers)
        elif node.op == "get_attr":
            ctx.values[node.name] = getattr(ep.graph_module, node.target)
        elif node.op not in ("placeholder", "output"):
            raise ctx.error(f"FX node kind {node.op!r} is not supported", node)
    ctx.node = None
    outputs = _outputs(ctx, ep, names[1], nhwc_io)
    return Signature(key, ctx.sg, inputs, outputs)
