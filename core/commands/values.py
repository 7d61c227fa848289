"""Input values from the command line, and sample inputs for benchmarks.

``--input name=VALUE`` where VALUE is a JSON literal (``[1, 2.5]``, ``"text"``), the path of a
``.npy`` file (loaded without pickle), or ``@file`` naming a file holding JSON. Values are
converted to the dtype of the signature's input.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..ir import Tensor


def parse_assignments(items: list[str] | None) -> dict[str, str]:
    """``["x=[1,2]", ...]`` as ``{"x": "[1,2]"}``; a name given twice is an error."""
    out: dict[str, str] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise InputError(f"--input {item!r}: expected NAME=VALUE")
        if name in out:
            raise InputError(f"--input {name!r} is given more than once")
        out[name] = value
    return out


def _raw(name: str, text: str) -> Any:
    if text.startswith("@"):
        path = Path(text[1:])
        if not path.is_file():
            raise InputError(f"input {name!r}: no such file {str(path)!r}")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            hint = " (give a .npy file without @)" if path.suffix == ".npy" else ""
            raise InputError(f"input {name!r}: {str(path)!r} is not UTF-8 JSON text{hint}") from exc
    elif text.endswith(".npy"):
        if not Path(text).is_file():
            raise InputError(f"input {name!r}: no such file {text!r}")
        try:
            return np.load(text, allow_pickle=False)
        except ValueError as exc:
            raise InputError(f"input {name!r}: cannot read {text!r}: {exc}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"input {name!r}: {text!r} is not JSON ({exc.msg}); give a JSON literal, a .npy "
            "file or @FILE"
        ) from exc


def as_input(name: str, text: str, tensor: Tensor) -> np.ndarray:
    """The value of ``--input name=text`` as an array of the tensor's dtype."""
    raw = _raw(name, text)
    if tensor.dtype.name == "string":
        arr = np.asarray(raw, dtype=object)
        return np.vectorize(_to_bytes, otypes=[object])(arr) if arr.size else arr
    target = tensor.dtype.numpy
    try:
        arr = np.asarray(raw)
        ints = target.kind in "iu" and arr.dtype.kind in "iuf" and arr.size > 0
    except (TypeError, ValueError) as exc:
        raise InputError(f"input {name!r}: cannot convert to {tensor.dtype.name}: {exc}") from exc
    if ints:
        _check_integers(name, arr, target)
    try:
        return arr.astype(target)
    except (TypeError, ValueError) as exc:
        raise InputError(f"input {name!r}: cannot convert to {tensor.dtype.name}: {exc}") from exc


def _check_integers(name: str, arr: np.ndarray, target: np.dtype) -> None:
    """Refuse values an integer input cannot hold, rather than wrapping or truncating them."""
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr) & (arr == np.round(arr))):
        raise InputError(f"input {name!r}: {target.name} needs whole numbers, got {arr.dtype}")
    info = np.iinfo(target)
    lo, hi = arr.min(), arr.max()
    if lo < info.min or hi > info.max:
        raise InputError(
            f"input {name!r}: values from {lo} to {hi} do not fit {target.name} "
            f"[{info.min}, {info.max}]"
        )


def _to_bytes(v: Any) -> bytes:
    return v if isinstance(v, bytes) else str(v).encode("utf-8")


def sample_input(tensor: Tensor, rng: np.random.Generator) -> np.ndarray:
    """Random data for one input: dynamic dimensions become 1; strings hold numbers."""
    shape = tuple(1 if d < 0 else d for d in tensor.signature_shape)
    dt = tensor.dtype
    if dt.name == "string":
        flat = [f"{v:.3f}".encode() for v in rng.uniform(-10, 10, int(np.prod(shape)))]
        return np.array(flat, dtype=object).reshape(shape)
    if dt.name == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    npdt = dt.numpy
    if np.issubdtype(npdt, np.integer):
        info = np.iinfo(npdt)
        return rng.integers(max(info.min, -100), min(info.max, 100), shape).astype(npdt)
    if np.issubdtype(npdt, np.complexfloating):
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(npdt)
    return rng.standard_normal(shape).astype(npdt)


def savable(arr: np.ndarray) -> np.ndarray:
    """``arr`` in a form ``np.savez`` stores without pickle (strings as fixed-width bytes)."""
    if arr.dtype == object:
        return np.asarray(arr.tolist(), dtype=bytes) if arr.size else arr.astype(bytes)
    return arr
