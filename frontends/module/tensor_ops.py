"""Python operators on traced tensors and variables: ``+ - * / // % ** @``, comparisons,
unary minus, ``abs``, ``~ & | ^`` on booleans, and indexing/slicing (STRIDED_SLICE)."""

from __future__ import annotations

from typing import Any

import numpy as np

from siglite.errors import SigliteError

from .graph import SymbolicTensor
from .ops import array
from .ops import math as m
from .ops._core import emit, op

# dunder stem -> function in this module (both plain and reflected forms are installed)
BINARY = {
    "add": "add",
    "sub": "sub",
    "mul": "mul",
    "truediv": "truediv",
    "floordiv": "floordiv",
    "mod": "mod",
    "pow": "pow",
    "matmul": "matmul",
    "and": "and_",
    "or": "or_",
    "xor": "xor",
}


# The operator functions: the math ops themselves, so operators trace exactly as the named ops do.
add, sub, mul = m.add, m.subtract, m.multiply
truediv, floordiv, mod, pow = m.truediv, m.floordiv, m.floormod, m.pow  # noqa: A001
and_, or_, xor = m.logical_and, m.logical_or, m.logical_xor
lt, le, gt, ge = m.less, m.less_equal, m.greater, m.greater_equal
matmul = array.matmul


def neg(a: Any, _: Any = None) -> Any:
    return m.negative(a)


def _bound(value: Any) -> Any:
    """A slice bound or index: a Python int, or a traced integer scalar."""
    if isinstance(value, SymbolicTensor):
        if value.dtype.name not in ("int32", "int64") or value.ndim != 0:
            raise SigliteError(
                f"index %{value.name}: a traced index must be an integer scalar, got "
                f"{value.dtype.name}{list(value.shape)}"
            )
        return value
    if isinstance(value, int | np.integer):
        return int(value)
    raise SigliteError(
        f"index {value!r}: traced tensors take ints, integer scalar tensors, slices, ... and "
        "None as indices; use sl.gather for tensor indices"
    )


def _slice_spec(key: Any) -> tuple[list[Any], list[Any], list[int], dict[str, int]]:
    """begin/end/strides and masks of STRIDED_SLICE for a Python index expression."""
    items = key if isinstance(key, tuple) else (key,)
    begin: list[Any] = []
    end: list[Any] = []
    strides: list[int] = []
    masks = dict.fromkeys(
        ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask"), 0
    )
    for i, item in enumerate(items):
        bit = 1 << i
        if item is Ellipsis or item is None:
            masks["ellipsis_mask" if item is Ellipsis else "new_axis_mask"] |= bit
            begin.append(0), end.append(0), strides.append(1)
        elif isinstance(item, slice):
            step = 1 if item.step is None else int(item.step)
            if step == 0:
                raise SigliteError("slice step cannot be zero")
            begin.append(0 if item.start is None else _bound(item.start))
            end.append(0 if item.stop is None else _bound(item.stop))
            strides.append(step)
            if item.start is None:
                masks["begin_mask"] |= bit
            if item.stop is None:
                masks["end_mask"] |= bit
        else:
            idx = _bound(item)
            # The end of a shrunk axis is not read (begin + 1 is used), but keep it valid.
            stop = (idx + 1 if idx != -1 else 0) if isinstance(idx, int) else idx + 1
            begin.append(idx), end.append(stop), strides.append(1)
            masks["shrink_axis_mask"] |= bit
            if isinstance(idx, int) and idx == -1:
                masks["end_mask"] |= bit
    return begin, end, strides, masks


def _vector(values: list[Any]) -> Any:
    """An int32 vector of Python ints and traced scalars (PACK when any is traced)."""
    if not any(isinstance(v, SymbolicTensor) for v in values):
        return np.array(values, np.int32)
    parts = [
        (array.cast(v, "int32") if v.dtype.name != "int32" else v)
        if isinstance(v, SymbolicTensor)
        else np.int32(v)
        for v in values
    ]
    return array.stack(parts)


@op
def getitem(x: Any, key: Any) -> Any:
    """``x[key]`` as a STRIDED_SLICE node."""
    begin, end, strides, masks = _slice_spec(key)
    b, e = _vector(begin), _vector(end)
    return emit("STRIDED_SLICE", x, b, e, np.array(strides, np.int32), offset=False, **masks)


def _binary(name: str, reflected: bool = False):
    fname = BINARY[name]

    def method(self: Any, other: Any) -> Any:
        fn = globals()[fname]
        return fn(other, self) if reflected else fn(self, other)

    method.__name__ = f"__{'r' if reflected else ''}{name}__"
    return method


def _install() -> None:
    for name in BINARY:
        setattr(SymbolicTensor, f"__{name}__", _binary(name))
        setattr(SymbolicTensor, f"__r{name}__", _binary(name, reflected=True))
    SymbolicTensor.__lt__ = lt
    SymbolicTensor.__le__ = le
    SymbolicTensor.__gt__ = gt
    SymbolicTensor.__ge__ = ge
    SymbolicTensor.__eq__ = lambda a, b: m.equal(a, b)  # type: ignore[method-assign]
    SymbolicTensor.__ne__ = lambda a, b: m.not_equal(a, b)  # type: ignore[method-assign]
    SymbolicTensor.__hash__ = object.__hash__  # type: ignore[method-assign]
    SymbolicTensor.__neg__ = neg
    SymbolicTensor.__abs__ = lambda a: m.abs(a)  # type: ignore[method-assign]
    SymbolicTensor.__invert__ = lambda a: m.logical_not(a)  # type: ignore[method-assign]
    SymbolicTensor.__getitem__ = getitem
    from .variables import _install_operators

    _install_operators()


_install()
