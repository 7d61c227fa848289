"""Comparison, logical and selection kernels: EQUAL ... GREATER_EQUAL, LOGICAL_*, SELECT, WHERE."""

from __future__ import annotations

from ..table import KERNELS
from .xp import array_module


def _compare(op: str, fn) -> None:
    def kernel(x, y):
        return fn(x, array_module(x).asarray(y))

    kernel.__name__ = op.lower()
    kernel.__doc__ = f"{op}: elementwise comparison with broadcasting, giving bool."
    KERNELS.add(op, kernel)


_COMPARE = {
    "EQUAL": lambda x, y: x == y,
    "NOT_EQUAL": lambda x, y: x != y,
    "LESS": lambda x, y: x < y,
    "LESS_EQUAL": lambda x, y: x <= y,
    "GREATER": lambda x, y: x > y,
    "GREATER_EQUAL": lambda x, y: x >= y,
    "LOGICAL_AND": lambda x, y: x & y,
    "LOGICAL_OR": lambda x, y: x | y,
}
for _op, _fn in _COMPARE.items():
    _compare(_op, _fn)


@KERNELS.register("LOGICAL_NOT")
def logical_not(x):
    """Boolean negation."""
    return ~x


@KERNELS.register("SELECT")
def select(cond, x, y):
    """x where cond else y; a rank-1 cond selects whole rows (leading axis)."""
    if cond.ndim == 1 and x.ndim > 1:
        cond = cond.reshape((-1,) + (1,) * (x.ndim - 1))
    return array_module(x).where(cond, x, y)


@KERNELS.register("SELECT_V2")
def select_v2(cond, x, y):
    """x where cond else y, all three broadcast."""
    return array_module(x).where(cond, x, y)


@KERNELS.register("WHERE")
def where(x):
    """int64 coordinates of the true (non-zero) elements, shape [count, rank]."""
    xp = array_module(x)
    found = xp.argwhere(x)  # a 0-d input gives [1 or 0, 0]: keep the count
    return found.astype(xp.int64).reshape(found.shape[0], x.ndim)
