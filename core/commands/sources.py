"""What ``siglite convert`` accepts as SOURCE, turned into a :class:`~siglite.Converter`.

* a directory: a saved model written by ``sl.saved_model.save``;
* a file ending in ``.onnx``: an ONNX model;
* ``path/to/file.py:name`` or ``package.module:name``: a Python object, which may be

  - an ``sl.Module`` (each ``@sl.function`` method with an ``input_signature`` becomes a
    signature keyed by the method's name),
  - a Keras-like model (``sl.keras.Sequential``),
  - an ``sl.ConcreteFunction`` or a list/tuple of them,
  - a siglite :class:`~siglite.Model` or :class:`~siglite.Converter` (e.g. from
    ``sl.Converter.from_models``), or the bytes of a ``.tflite`` file,
  - an ``onnx.ModelProto``,
  - for PyTorch, a dict ``{"module": torch_module, "sample_args": (tensor, ...)}`` (optionally
    with ``"sample_kwargs"`` and ``"dynamic_shapes"``), or ``{key: (module, sample_args)}``
    with one entry per signature (the forms ``sl.Converter.from_torch`` takes).

``name`` may be dotted (``models.coder``). Loading a ``.py`` file runs that file, as
``python file.py`` would; nothing is ever unpickled.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

from ..errors import ConverterError, InvalidModelError
from ..ir import Model


def load_object(spec: str) -> Any:
    """The object named by ``file.py:attr`` or ``module:attr``."""
    where, _, attr = spec.rpartition(":")
    if not where or not attr:
        raise ConverterError(f"{spec!r}: expected a directory, an .onnx file, FILE.py:NAME or "
                             "MODULE:NAME")  # fmt: skip
    if where.endswith(".py") or os.sep in where or "/" in where:
        module = _module_from_file(Path(where))
    else:
        module = _import(where)
    obj: Any = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise ConverterError(f"{where} has no attribute {attr!r}")
        obj = getattr(obj, part)
    return obj


def _module_from_file(path: Path) -> Any:
    if not path.is_file():
        raise InvalidModelError(f"no such Python file: {str(path)!r}")
    name = "_siglite_source_" + path.stem.replace("-", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ConverterError(f"cannot load {str(path)!r} as a Python module")
    module = importlib.util.module_from_spec(spec)
    # The file's own directory is importable from it, as when running `python file.py`.
    sys.path.insert(0, str(path.resolve().parent))
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise ConverterError(f"{str(path)!r} raised {type(exc).__name__}: {exc}") from exc
    finally:
        sys.path.remove(str(path.resolve().parent))
    return module


def _import(name: str) -> Any:
    sys.path.insert(0, os.getcwd())
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise ConverterError(f"cannot import module {name!r}: {exc}") from exc
    finally:
        sys.path.remove(os.getcwd())


def _class(module: str, name: str) -> type | None:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def module_functions(obj: Any) -> list[Any]:
    """Concrete functions of an ``sl.Module``'s ``@sl.function`` methods with input
    signatures, in name order."""
    function_cls = _class("siglite.frontends.module.function", "Function")
    found = []
    for name in sorted(dir(type(obj))):
        attr = getattr(type(obj), name, None)
        if function_cls is not None and isinstance(attr, function_cls):
            bound = getattr(obj, name)
            if bound.input_signature is not None or not bound.arg_names:
                found.append(bound.get_concrete_function())
    if not found:
        raise ConverterError(
            f"{type(obj).__name__} has no @sl.function method with an input_signature to export"
        )
    return found


def _pick(items: list[Any], wanted: list[str] | None, what: str) -> list[Any]:
    """The items whose ``name`` is in ``wanted`` (all when ``wanted`` is empty or there is
    only one item, which the caller then renames)."""
    if not wanted or len(items) == 1:
        return items
    names = [f.name for f in items]
    unknown = [k for k in wanted if k not in names]
    if unknown:
        raise ConverterError(
            f"unknown signature key {unknown[0]!r}; the {what} has: {', '.join(sorted(names))}"
        )
    return [f for f in items if f.name in wanted]


def converter_for_object(obj: Any, wanted: list[str] | None = None) -> tuple[Any, list[str]]:
    """A converter for a Python object, and the keys its signatures get, in model order.

    Several signatures are narrowed to ``wanted`` before conversion; a single signature is
    keyed ``wanted[0]`` (or the method's name for an ``sl.Module``).
    """
    from ..converter import Converter

    if isinstance(obj, Converter):
        obj._model = select(obj._model, wanted)
        return obj, _model_keys(obj._model, wanted)
    if isinstance(obj, Model | bytes | bytearray):
        model = obj if isinstance(obj, Model) else _read(obj)
        model = select(model, wanted)
        return Converter.from_model(model), _model_keys(model, wanted)
    module_cls = _class("siglite.frontends.module.variables", "Module")
    if module_cls is not None and isinstance(obj, module_cls):
        funcs = _pick(module_functions(obj), wanted, type(obj).__name__)
        keys = list(wanted) if wanted and len(funcs) == 1 else [f.name for f in funcs]
        return Converter.from_concrete_functions(funcs, obj), sorted(keys)
    concrete_cls = _class("siglite.frontends.module.function", "ConcreteFunction")
    items = list(obj) if isinstance(obj, list | tuple) else [obj]
    if concrete_cls is not None and items and all(isinstance(f, concrete_cls) for f in items):
        funcs = _pick(items, wanted, "function list")
        return Converter.from_concrete_functions(funcs), _single(wanted, len(funcs))
    keras_cls = _class("siglite.frontends.sequential.model", "Sequential")
    if keras_cls is not None and isinstance(obj, keras_cls):
        return Converter.from_keras_model(obj), _single(wanted, 1)
    if _is_onnx_model(obj):
        return Converter.from_onnx(obj), _single(wanted, 1)
    if isinstance(obj, dict) and "module" in obj:
        return _torch_single(obj, wanted)
    if isinstance(obj, dict) and obj and all(_is_torch_entry(v) for v in obj.values()):
        return _torch_signatures(obj, wanted)
    raise _refusal(obj)


def _refusal(obj: Any) -> ConverterError:
    """Why ``obj`` is not a source, with what would be."""
    if "torch" in sys.modules and isinstance(obj, sys.modules["torch"].nn.Module):
        return ConverterError(
            "a torch module needs sample inputs: name a dict "
            '{"module": module, "sample_args": (tensor, ...)} instead'
        )
    what = f"the class {obj.__name__} (name an instance)" if isinstance(obj, type) else (
        f"a {type(obj).__name__}")  # fmt: skip
    return ConverterError(
        f"cannot convert {what}: expected an sl.Module, a Keras-like model, concrete "
        "functions, a siglite Model or Converter, .tflite bytes, an onnx.ModelProto, or a "
        "torch dict {'module': ..., 'sample_args': (...)} (or {key: (module, sample_args)})"
    )


def _read(data: bytes | bytearray) -> Model:
    from ..format import read_model

    return read_model(bytes(data))


def _model_keys(model: Model, wanted: list[str] | None) -> list[str]:
    """A single signature is renamed to ``wanted[0]``; several keep their keys."""
    return _single(wanted, 1) if len(model.signatures) == 1 else []


def _is_onnx_model(obj: Any) -> bool:
    cls = type(obj)
    return cls.__name__ == "ModelProto" and cls.__module__.split(".")[0] == "onnx"


TORCH_KEYS = ("module", "sample_args", "sample_kwargs", "dynamic_shapes")


def _torch_single(obj: dict, wanted: list[str] | None) -> tuple[Any, list[str]]:
    """``{"module": m, "sample_args": (...), "sample_kwargs": {...}, "dynamic_shapes": ...}``."""
    from ..converter import Converter

    unknown = sorted(map(str, set(obj) - set(TORCH_KEYS)))
    if unknown:
        raise ConverterError(
            f"a torch source dict takes the keys {', '.join(TORCH_KEYS)}; unknown: "
            + ", ".join(unknown)
        )
    args = obj.get("sample_args")
    if not isinstance(args, tuple | list):
        raise ConverterError("a torch source needs 'sample_args': a tuple of sample inputs")
    converter = Converter.from_torch(
        obj["module"],
        tuple(args),
        sample_kwargs=obj.get("sample_kwargs"),
        dynamic_shapes=obj.get("dynamic_shapes"),
    )
    return converter, _single(wanted, 1)


def _is_torch_entry(value: Any) -> bool:
    """An entry of a multi-signature torch dict: ``(module, args, ...)`` or a source dict."""
    if isinstance(value, dict):
        return "module" in value
    is_sequence = isinstance(value, tuple | list) and len(value) > 0
    return "torch" in sys.modules and is_sequence and callable(value[0])


def _torch_signatures(obj: dict, wanted: list[str] | None) -> tuple[Any, list[str]]:
    """``{key: (module, sample_args, ...)}``: one signature per key (``--signature-key``
    keeps some of them)."""
    from ..converter import Converter

    if len(obj) == 1:
        return Converter.from_torch(obj), _single(wanted, 1)
    if wanted:
        unknown = [k for k in wanted if k not in obj]
        if unknown:
            known = ", ".join(sorted(map(str, obj)))
            raise ConverterError(f"unknown signature key {unknown[0]!r}; the dict has: {known}")
        obj = {k: v for k, v in obj.items() if k in wanted}
    return Converter.from_torch(obj), []


def _single(wanted: list[str] | None, count: int) -> list[str]:
    if wanted and count == 1 and len(wanted) > 1:
        raise ConverterError(f"the source has one signature; got {len(wanted)} keys for it")
    return list(wanted or []) if count == 1 else []


def select(model: Model, wanted: list[str] | None) -> Model:
    """``model`` with only the signatures ``wanted`` (and the subgraphs they reach)."""
    from ..passes.layout import reachable_subgraphs, reorder_subgraphs

    if not wanted or len(model.signatures) <= 1:
        return model
    unknown = [k for k in wanted if k not in model.signatures]
    if unknown:
        known = ", ".join(sorted(model.signatures))
        raise ConverterError(f"unknown signature key {unknown[0]!r}; the model has: {known}")
    model.signatures = {k: s for k, s in model.signatures.items() if k in wanted}
    roots: list[Any] = []
    for sig in model.signatures.values():
        if all(sig.subgraph is not r for r in roots):
            roots.append(sig.subgraph)
    return reorder_subgraphs(model, reachable_subgraphs(model, roots))


def converter_for(
    source: str, signature_keys: list[str] | None, *, nhwc_io: bool = False
) -> tuple[Any, list[str]]:
    """The converter for SOURCE, and the keys to give its signatures after conversion (in
    model order; empty: keep the frontend's keys). ``nhwc_io`` applies to .onnx files."""
    from ..converter import Converter

    path = Path(source)
    if path.is_dir():
        return Converter.from_saved_model(str(path), signature_keys=signature_keys), []
    if source.lower().endswith(".onnx"):
        if not path.is_file():
            raise InvalidModelError(f"no such ONNX file: {source!r}")
        keys = _single(signature_keys, 1)
        key = keys[0] if keys else "serving_default"
        return Converter.from_onnx(str(path), signature_key=key, nhwc_io=nhwc_io), []
    if nhwc_io:
        raise InvalidModelError("--nhwc-io applies to .onnx files only")
    if ":" not in source:
        raise InvalidModelError(
            f"{source!r} is not a directory, an .onnx file, FILE.py:NAME or MODULE:NAME"
        )
    return converter_for_object(load_object(source), signature_keys)
