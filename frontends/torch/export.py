"""Signature specs, wrapping callables as modules, ``torch.export`` and signature names."""

from __future__ import annotations

import inspect
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

from siglite.errors import ConverterError
from siglite.ir.graph import unique_name

# ATen ops kept whole because they map onto one builtin (HARD_SWISH).
KEEP = ("hardswish",)

_OPTION_KEYS = {"sample_kwargs", "dynamic_shapes"}
_SPEC_KEYS = {"module", "sample_args"} | _OPTION_KEYS


@dataclass
class SignatureSpec:
    """What one signature exports: a module or callable and its sample inputs."""

    key: str
    fn: Any
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    dynamic_shapes: Any = None


def _as_args(sample_args: Any) -> tuple:
    if sample_args is None:
        return ()
    if isinstance(sample_args, tuple):
        return sample_args
    if isinstance(sample_args, list):
        return tuple(sample_args)
    return (sample_args,)


def _from_entry(key: str, entry: Any) -> SignatureSpec:
    if isinstance(entry, dict):
        unknown = set(entry) - _SPEC_KEYS
        if "module" not in entry or unknown:
            raise ConverterError(
                f"signature {key!r}: a dict entry needs 'module' and may have "
                f"{sorted(_SPEC_KEYS - {'module'})}; got {sorted(entry)}"
            )
        return SignatureSpec(
            key,
            entry["module"],
            _as_args(entry.get("sample_args")),
            dict(entry.get("sample_kwargs") or {}),
            entry.get("dynamic_shapes"),
        )
    if not isinstance(entry, (tuple, list)) or not 1 <= len(entry) <= 4:
        raise ConverterError(
            f"signature {key!r}: expected (module, sample_args[, sample_kwargs[, dynamic_shapes]]),"
            f" got {type(entry).__name__}"
        )
    fn, rest = entry[0], list(entry[1:])
    args = _as_args(rest.pop(0)) if rest else ()
    kwargs, dyn = {}, None
    if rest and isinstance(rest[0], dict) and rest[0] and set(rest[0]) <= _OPTION_KEYS:
        opts = rest.pop(0)
        kwargs, dyn = dict(opts.get("sample_kwargs") or {}), opts.get("dynamic_shapes")
    elif rest:
        kwargs = dict(rest.pop(0) or {})
        dyn = rest.pop(0) if rest else None
    if rest:
        raise ConverterError(f"signature {key!r}: too many items in {entry!r}")
    return SignatureSpec(key, fn, args, kwargs, dyn)


def signature_specs(
    module: Any, sample_args: Any, sample_kwargs: Any, dynamic_shapes: Any, signature_key: str
) -> list[SignatureSpec]:
    """One spec per signature, from a module/callable or a dict ``{key: (module, args, ...)}``."""
    if isinstance(module, dict):
        if not module:
            raise ConverterError("from_torch got an empty dict of signatures")
        if sample_args is not None or sample_kwargs or dynamic_shapes is not None:
            raise ConverterError("with a dict of signatures, give sample inputs inside each entry")
        for key in module:
            if not isinstance(key, str) or not key.isidentifier():
                raise ConverterError(f"signature keys must be identifiers, got {key!r}")
        return [_from_entry(k, v) for k, v in module.items()]
    return [
        SignatureSpec(
            signature_key, module, _as_args(sample_args), dict(sample_kwargs or {}), dynamic_shapes
        )
    ]


def _referenced_modules(fn: Any) -> dict[str, Any]:
    """nn.Modules a plain function reaches: its bound self, closure cells and globals."""
    import torch

    found: dict[str, Any] = {}
    owner = getattr(fn, "__self__", None)
    if isinstance(owner, torch.nn.Module):
        found["self"] = owner
    code = getattr(fn, "__code__", None)
    cells = getattr(fn, "__closure__", None) or ()
    if code is not None:
        for name, cell in zip(code.co_freevars, cells, strict=False):
            value = cell.cell_contents if cell.cell_contents is not None else None
            if isinstance(value, torch.nn.Module):
                found[name] = value
        globs = getattr(fn, "__globals__", {})
        for name in code.co_names:
            if isinstance(globs.get(name), torch.nn.Module):
                found[name] = globs[name]
    return found


def as_module(fn: Any) -> Any:
    """``fn`` itself when it is an nn.Module, else a module whose forward calls it.

    The modules the function uses are registered as submodules so that their parameters
    become the exported program's parameters (shared weights stay shared).
    """
    import torch

    if isinstance(fn, torch.nn.Module):
        return fn
    if not callable(fn):
        raise ConverterError(f"from_torch expects an nn.Module or a callable, got {fn!r}")

    class CallableModule(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            for name, mod in _referenced_modules(fn).items():
                self.add_module(f"m_{name}", mod)

        def forward(self, *args: Any, **kwargs: Any) -> Any:
            return fn(*args, **kwargs)

    return CallableModule()


def export(spec: SignatureSpec) -> Any:
    """The core-ATen ``ExportedProgram`` of one signature."""
    import torch

    module = as_module(spec.fn)
    try:
        ep = torch.export.export(
            module, spec.args, kwargs=spec.kwargs or None, dynamic_shapes=spec.dynamic_shapes
        )
    except Exception as exc:
        raise ConverterError(f"signature {spec.key!r}: torch.export failed: {exc}") from exc
    table = torch.export.default_decompositions()
    for op in KEEP:
        table.pop(getattr(torch.ops.aten, op).default, None)
    with warnings.catch_warnings():
        # torch's own decomposition pass warns about its internal pytree API; not the user's code
        warnings.filterwarnings("ignore", message=".*LeafSpec.*", category=FutureWarning)
        return ep.run_decompositions(table)


def _identifier(name: str) -> str:
    out = re.sub(r"\W", "_", str(name)) or "x"
    return "_" + out if out[0].isdigit() else out


def _leaf_names(struct: Any, prefix: str, out: dict[int, str]) -> None:
    if isinstance(struct, int):
        out[struct] = prefix
    elif isinstance(struct, dict):
        for k, v in struct.items():
            _leaf_names(v, f"{prefix}_{k}" if prefix else _identifier(k), out)
    elif isinstance(struct, (tuple, list)):
        for i, v in enumerate(struct):
            _leaf_names(v, f"{prefix}_{i}" if prefix else f"output_{i}", out)
    elif hasattr(struct, "__dataclass_fields__"):
        _leaf_names({k: getattr(struct, k) for k in struct.__dataclass_fields__}, prefix, out)
    else:
        raise ConverterError(f"cannot name values of type {type(struct).__name__}")


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    return [unique_name(_identifier(n), seen) for n in names]


def input_names(ep: Any, spec: SignatureSpec) -> list[str]:
    """Names of the flattened inputs: argument names, ``name_i`` / ``name_key`` inside them."""
    from torch.utils import _pytree as pytree

    in_spec = ep.call_spec.in_spec
    struct_args, struct_kwargs = pytree.tree_unflatten(list(range(in_spec.num_leaves)), in_spec)
    fn = spec.fn.forward if hasattr(spec.fn, "forward") else spec.fn
    params = list(inspect.signature(fn).parameters.values())
    out: dict[int, str] = {}
    pos = 0
    for value in struct_args:
        p = params[min(pos, len(params) - 1)] if params else None
        if p is not None and p.kind is inspect.Parameter.VAR_POSITIONAL:
            base = f"{p.name}_{pos - params.index(p)}"
        else:
            base = p.name if p is not None else f"input_{pos}"
        _leaf_names(value, base, out)
        pos += 1
    for k, v in struct_kwargs.items():
        _leaf_names(v, _identifier(k), out)
    return _unique([out[i] for i in range(in_spec.num_leaves)])


def output_names(ep: Any) -> list[str]:
    """Names of the flattened outputs: dict keys, else ``output_i``; nested with ``_k``."""
    from torch.utils import _pytree as pytree

    out_spec = ep.call_spec.out_spec
    struct = pytree.tree_unflatten(list(range(out_spec.num_leaves)), out_spec)
    out: dict[int, str] = {}
    _leaf_names(struct, "" if isinstance(struct, (dict, tuple, list)) else "output_0", out)
    return _unique([out[i] for i in range(out_spec.num_leaves)])
