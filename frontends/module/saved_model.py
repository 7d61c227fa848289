"""``sl.saved_model``: a directory with a JSON manifest and one TFLite model file.

Layout of a saved directory::

    saved_model.json   manifest: format, version, model file, its size and sha256, the exported
                       signature keys and the module's functions (signature key, argument names,
                       output structure)
    model.tflite       every signature and function, weights included (the TFLite format)

Nothing is unpickled or evaluated on load, so loading an untrusted directory is safe. A missing
or garbled manifest, or a model file that does not match it, raises ``InvalidModelError``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from typing import Any

from siglite.errors import InvalidModelError, SigliteError, SignatureError
from siglite.ir import Model

from .function import BOUND_SLOT, ConcreteFunction, Function

MANIFEST = "saved_model.json"
MODEL_FILE = "model.tflite"
FORMAT = "siglite.saved_model"
VERSION = 1
FUNCTION_PREFIX = "__function__/"


def _as_concrete(value: Any, what: str) -> ConcreteFunction:
    if isinstance(value, ConcreteFunction):
        return value
    if isinstance(value, Function):
        if value.input_signature is None:
            raise SigliteError(
                f"{what}: {value.name} has no input_signature; pass "
                "fn.get_concrete_function(spec, ...) instead"
            )
        return value.get_concrete_function()
    raise SigliteError(f"{what}: expected a siglite function, got {type(value).__name__}")


def _module_functions(obj: Any) -> dict[str, ConcreteFunction]:
    """Every ``sl.function`` with an input signature that is an attribute of ``obj``: methods
    decorated in its class, and functions stored on the instance (``self.f = sl.function(...)``).
    """
    found: dict[str, ConcreteFunction] = {}
    for attr in sorted(dir(type(obj))):
        raw = getattr(type(obj), attr, None)
        if isinstance(raw, Function) and raw.input_signature is not None:
            found[attr] = getattr(obj, attr).get_concrete_function()
    for attr, value in sorted(getattr(obj, "__dict__", {}).items()):
        if attr.startswith(BOUND_SLOT) or attr in found:
            continue  # bound copies of class methods, already found above
        if isinstance(value, Function) and value.input_signature is not None:
            found[attr] = value.get_concrete_function()
    return found


def _signatures(obj: Any, signatures: Any) -> dict[str, ConcreteFunction]:
    if signatures is None:
        funcs = _module_functions(obj)
        if len(funcs) == 1:
            return {"serving_default": next(iter(funcs.values()))}
        return funcs
    if isinstance(signatures, dict):
        return {str(k): _as_concrete(v, f"signature {k!r}") for k, v in signatures.items()}
    return {"serving_default": _as_concrete(signatures, "signatures")}


def _function_entry(cf: ConcreteFunction, key: str) -> dict[str, Any]:
    return {
        "key": key,
        "args": [s.name or a for a, s in zip(cf.arg_names, cf.specs, strict=True)],
        "structure": cf.structure,
        "outputs": list(cf.outputs),
    }


def save(obj: Any, export_dir: str | os.PathLike, signatures: Any = None, options: Any = None):
    """Save ``obj``'s signatures and functions to ``export_dir`` (``tf.saved_model.save``)."""
    from siglite.format import write_model

    from .assemble import build_model

    sigs = _signatures(obj, signatures)
    if not sigs:
        raise SigliteError(
            "saved_model.save: nothing to save; give signatures= or decorate "
            "methods with @sl.function(input_signature=[...])"
        )
    entries = dict(sigs)
    functions: dict[str, dict[str, Any]] = {}
    for attr, cf in _module_functions(obj).items():
        if attr == "signatures":
            continue  # the loaded object's .signatures must stay the signature table
        key = next((k for k, v in sigs.items() if v is cf), None)
        if key is None:
            key = FUNCTION_PREFIX + attr
            entries[key] = cf
        functions[attr] = _function_entry(cf, key)
    data = write_model(build_model(list(entries.items())))
    os.makedirs(export_dir, exist_ok=True)
    with open(os.path.join(export_dir, MODEL_FILE), "wb") as f:
        f.write(data)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "model": MODEL_FILE,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "signatures": sorted(sigs),
        "functions": functions,
    }
    with open(os.path.join(export_dir, MANIFEST), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)


def read_manifest(export_dir: str | os.PathLike) -> dict[str, Any]:
    """The checked manifest of a saved directory."""
    path = os.path.join(export_dir, MANIFEST)
    if not os.path.isfile(path):
        raise InvalidModelError(
            f"{os.fspath(export_dir)!r} is not a siglite saved model: {MANIFEST} is missing"
        )
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidModelError(f"{path!r}: the manifest is not valid JSON ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InvalidModelError(f"{path!r}: not a {FORMAT} manifest")
    if manifest.get("version") != VERSION:
        raise InvalidModelError(f"{path!r}: unsupported version {manifest.get('version')!r}")
    for field, kind in (
        ("model", str),
        ("size", int),
        ("sha256", str),
        ("signatures", list),
        ("functions", dict),
    ):
        if not isinstance(manifest.get(field), kind):
            raise InvalidModelError(f"{path!r}: field {field!r} is missing or malformed")
    if os.path.basename(manifest["model"]) != manifest["model"]:
        raise InvalidModelError(f"{path!r}: the model file must be inside the directory")
    if not all(isinstance(k, str) for k in manifest["signatures"]):
        raise InvalidModelError(f"{path!r}: field 'signatures' must list signature keys")
    for attr, entry in manifest["functions"].items():
        _check_function_entry(path, attr, entry)
    return manifest


_STRUCTURES = ("dict", "list", "tuple", "single", "none")


def _check_function_entry(path: str, attr: str, entry: Any) -> None:
    ok = (
        attr.isidentifier()
        and isinstance(entry, dict)
        and isinstance(entry.get("key"), str)
        and entry.get("structure") in _STRUCTURES
        and all(
            isinstance(entry.get(f), list) and all(isinstance(v, str) for v in entry[f])
            for f in ("args", "outputs")
        )
    )
    if not ok:
        raise InvalidModelError(f"{path!r}: the manifest entry of function {attr!r} is malformed")


def read_saved_model(export_dir: str | os.PathLike) -> tuple[dict[str, Any], Model]:
    """The manifest and the full model (every signature and function) of a saved directory."""
    from siglite.format import read_model

    manifest = read_manifest(export_dir)
    path = os.path.join(export_dir, manifest["model"])
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise InvalidModelError(f"{path!r}: cannot read the model file ({exc})") from exc
    if len(data) != manifest["size"] or hashlib.sha256(data).hexdigest() != manifest["sha256"]:
        raise InvalidModelError(
            f"{path!r}: the model file is damaged (expected {manifest['size']} bytes with the "
            f"manifest's sha256, found {len(data)} bytes that do not match)"
        )
    return manifest, read_model(data)


class LoadedModule:
    """What :func:`load` returns: ``.signatures[key](**inputs)`` and the saved functions, as
    attributes (``loaded.encode(x)``; a saved ``__call__`` makes the object callable).

    All of them share one interpreter, so resource variables keep their state across calls.
    """

    def __init__(self, manifest: dict[str, Any], model: Model) -> None:
        from siglite.runtime import Interpreter

        self._interpreter = Interpreter(model=model)
        self.signatures = {k: self._runner(k) for k in manifest["signatures"]}
        self._saved_functions = {
            attr: self._function(attr, entry) for attr, entry in manifest["functions"].items()
        }

    def __getattr__(self, name: str) -> Any:
        functions = self.__dict__.get("_saved_functions", {})
        if name in functions:
            return functions[name]
        raise AttributeError(f"the loaded model has no function {name!r}")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if "__call__" not in self._saved_functions:
            raise SignatureError("the saved module had no __call__ function")
        return self._saved_functions["__call__"](*args, **kwargs)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._saved_functions))

    def _runner(self, key: str) -> Callable[..., dict[str, Any]]:
        try:
            return self._interpreter.get_signature_runner(key)
        except Exception as exc:
            raise InvalidModelError(f"saved model: signature {key!r} is not in the model") from exc

    def _function(self, attr: str, entry: dict[str, Any]) -> Callable[..., Any]:
        runner = self._runner(entry["key"])
        args, outputs, structure = entry["args"], entry["outputs"], entry["structure"]

        def call(*values: Any, **kw: Any) -> Any:
            if len(values) > len(args):
                raise SignatureError(f"{attr}() takes {len(args)} arguments, got {len(values)}")
            out = runner(**dict(zip(args, values, strict=False)), **kw)
            if structure == "dict":
                return {k: out[k] for k in outputs}
            items = [out[k] for k in outputs]
            if structure == "single":
                return items[0]
            return None if structure == "none" else (items if structure == "list" else tuple(items))

        call.__name__ = attr
        return call


def load(export_dir: str | os.PathLike, tags: Any = None, options: Any = None) -> LoadedModule:
    """Load a directory written by :func:`save`."""
    manifest, model = read_saved_model(export_dir)
    return LoadedModule(manifest, model)
