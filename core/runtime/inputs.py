"""Checking and converting the values given to a signature runner.

Arrays (numpy arrays and scalars, or anything with ``__array__``) must have the input's exact
dtype, as in LiteRT. Python scalars and (nested) lists are converted when nothing is lost: ints
into any integer type that holds them or a float type that represents them exactly, floats into
any float type, bools into bool. Strings accept ``str`` (stored UTF-8), ``bytes`` and arrays or
lists of them, and become object arrays of ``bytes``. Shapes are checked against the shape
signature: the rank and every dimension other than ``-1``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..dtypes import DType
from ..errors import InputError, SignatureError
from ..ir import Tensor
from .partition import is_device_array


@dataclass(frozen=True)
class InputSpec:
    """What one signature input accepts."""

    name: str
    dtype: DType
    shape_signature: tuple[int, ...]
    ranked: bool = True

    @classmethod
    def of(cls, name: str, t: Tensor) -> InputSpec:
        return cls(name, t.dtype, tuple(t.signature_shape), t.has_rank or bool(t.shape))

    def __str__(self) -> str:
        dims = ", ".join(str(d) for d in self.shape_signature) if self.ranked else "..."
        return f"{self.dtype.name}[{dims}]"


def _spec_list(specs: Mapping[str, InputSpec]) -> str:
    return ", ".join(f"{n}: {s}" for n, s in sorted(specs.items())) or "none"


def check_names(key: str, specs: Mapping[str, InputSpec], given: Iterable[str]) -> None:
    """Raise :class:`SignatureError` for unknown, misspelled or missing input names."""
    given = list(given)
    extra = [n for n in given if n not in specs]
    missing = [n for n in specs if n not in given]
    problems = []
    for name in extra:
        hint = difflib.get_close_matches(name, missing or list(specs), n=1, cutoff=0.5)
        problems.append(
            f"unknown input {name!r}" + (f" (did you mean {hint[0]!r}?)" if hint else "")
        )
    for name in missing:
        problems.append(f"missing input {name!r} ({specs[name]})")
    if problems:
        raise SignatureError(
            f"signature {key!r}: " + "; ".join(problems) + f". Expected inputs: {_spec_list(specs)}"
        )


class InputChecker:
    """:func:`coerce` for one input, with a fast path for arrays of an already accepted shape.

    Whether an array of the right dtype is accepted depends only on its shape, so the shapes
    that passed are remembered (a bounded set) and such arrays skip the full check.
    """

    MAX_SHAPES = 32

    __slots__ = ("spec", "where", "_dtype", "_shapes")

    def __init__(self, spec: InputSpec, where: str) -> None:
        self.spec = spec
        self.where = where
        self._dtype = None if spec.dtype.name == "string" else spec.dtype.numpy
        self._shapes: set[tuple[int, ...]] = set()

    def __call__(self, value: Any) -> Any:
        if (
            type(value) is np.ndarray
            and value.dtype == self._dtype
            and value.shape in self._shapes
            and value.flags.c_contiguous
        ):
            return value
        arr = coerce(value, self.spec, self.where)
        if type(arr) is np.ndarray and self._dtype is not None:
            if len(self._shapes) >= self.MAX_SHAPES:
                self._shapes.clear()
            self._shapes.add(arr.shape)
        return arr


def coerce(value: Any, spec: InputSpec, where: str) -> np.ndarray:
    """``value`` as an array of the input's dtype and an allowed shape, or an InputError."""
    if type(value) is not np.ndarray and is_device_array(value):  # checked, and left on its device
        if value.dtype != spec.dtype.numpy:
            raise InputError(f"{where}: expected {spec}, got a {value.dtype} device array")
        check_shape(value, spec, where)
        return value
    if spec.dtype.name == "string":
        arr = _strings(value, spec, where)
    elif isinstance(value, (np.ndarray, np.generic)) or hasattr(value, "__array__"):
        arr = np.asarray(value)
        if arr.dtype != spec.dtype.numpy:
            raise InputError(
                f"{where}: expected {spec}, got a {_desc(arr)}; arrays are not converted "
                f"implicitly, pass .astype(np.{spec.dtype.numpy.name})"
            )
    else:
        arr = _from_python(value, spec, where)
    check_shape(arr, spec, where)
    # np.ascontiguousarray would turn a 0-d array into shape (1,).
    return arr if arr.flags.c_contiguous or arr.dtype == object else arr.copy(order="C")


def check_shape(arr: np.ndarray, spec: InputSpec, where: str) -> None:
    """Rank and fixed dimensions against the shape signature (``-1`` is free)."""
    if not spec.ranked:
        return
    sig = spec.shape_signature
    if arr.ndim != len(sig):
        raise InputError(
            f"{where}: expected {spec} (rank {len(sig)}), got shape {tuple(arr.shape)} "
            f"(rank {arr.ndim})"
        )
    for axis, (got, want) in enumerate(zip(arr.shape, sig, strict=True)):
        if want >= 0 and got != want:
            raise InputError(
                f"{where}: expected {spec}, got shape {tuple(arr.shape)}: dimension {axis} "
                f"must be {want}"
            )


def _desc(arr: np.ndarray) -> str:
    return f"{arr.dtype} array of shape {tuple(arr.shape)}"


def _from_python(value: Any, spec: InputSpec, where: str) -> np.ndarray:
    try:
        arr = np.asarray(value)
    except ValueError as exc:  # ragged nested lists
        raise InputError(
            f"{where}: expected {spec}, got a value numpy cannot read: {exc}"
        ) from None
    target = spec.dtype.numpy
    if arr.size == 0 and arr.dtype.kind in "fiub":
        return arr.astype(target)
    if not _lossless(arr, target):
        raise InputError(
            f"{where}: expected {spec}, got {type(value).__name__} values that do not convert "
            f"to {spec.dtype.name} without loss (as a {_desc(arr)})"
        )
    return arr.astype(target)


def _lossless(arr: np.ndarray, target: np.dtype) -> bool:
    kind, tkind = arr.dtype.kind, target.kind
    if kind == "b":
        return tkind == "b"
    if kind in "iu" and tkind in "iu":
        info = np.iinfo(target)
        return bool(arr.size == 0 or (arr.min() >= info.min and arr.max() <= info.max))
    if kind in "iu" and tkind in "fc":
        return bool(np.array_equal(arr.astype(target).astype(arr.dtype), arr))
    if kind == "f" and tkind in "fc":
        with np.errstate(over="ignore"):
            converted = arr.astype(target)
        return bool(np.array_equal(np.isfinite(converted), np.isfinite(arr)))
    if kind == "c":
        return tkind == "c"
    return False


def _strings(value: Any, spec: InputSpec, where: str) -> np.ndarray:
    arr = np.asarray(value, dtype=object) if not isinstance(value, np.ndarray) else value
    if arr.dtype.kind not in "OSU":
        raise InputError(f"{where}: expected {spec} (str or bytes values), got a {_desc(arr)}")
    out = np.empty(arr.shape, dtype=object)
    flat = out.reshape(-1)
    for i, item in enumerate(arr.reshape(-1).tolist()):
        if isinstance(item, str):
            flat[i] = item.encode("utf-8")
        elif isinstance(item, (bytes, bytearray)):
            flat[i] = bytes(item)
        else:
            raise InputError(
                f"{where}: expected {spec} (str or bytes values), got an element of type "
                f"{type(item).__name__}"
            )
    return out
