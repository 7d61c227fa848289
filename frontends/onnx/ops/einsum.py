"""Einsum with one or two operands, as TRANSPOSE / RESHAPE / GATHER / SUM / BATCH_MATMUL / MUL.

The equation is first rewritten with one letter per dimension (an ellipsis becomes letters of
its own). Per operand, repeated letters take the diagonal (a GATHER over the flattened pair)
and letters that appear nowhere else are summed out. One operand is then transposed to the
output order. Two float32 operands become one BATCH_MATMUL over (batch, left, contracted) x
(batch, contracted, right) groups; other dtypes (BATCH_MATMUL is float32-only) broadcast a MUL
over every letter and SUM the contracted ones, in the operands' own precision.
"""

from __future__ import annotations

import string
from math import prod

import numpy as np

from siglite.ir import Tensor

from ..context import NUMERIC, GraphContext, NodeView
from ..emit import bshape, reshape, sig, transpose
from . import handler
from .elementwise import check_dtype


@handler("Einsum")
def einsum(ctx: GraphContext, node: NodeView):
    xs = node.inputs()
    if not 1 <= len(xs) <= 2 or any(x is None for x in xs):
        raise node.error("only one- and two-operand equations are supported")
    for x in xs:
        check_dtype(node, x, NUMERIC)
    if len(xs) == 2 and xs[0].dtype != xs[1].dtype:
        raise node.error("the operands' dtypes differ")
    terms, out = parse(node, str(node.attr("equation")), [x.rank for x in xs])
    ops = []
    for i, (x, term) in enumerate(zip(xs, terms, strict=True)):
        others = set(out).union(*(t for j, t in enumerate(terms) if j != i))
        x, term = _diagonals(ctx, node, x, term)
        ops.append(_sum_out(ctx, x, term, others))
    if len(ops) == 1:
        x, term = ops[0]
        return [transpose(ctx, x, [term.index(c) for c in out])]
    _check_sizes(node, ops)
    if xs[0].dtype.name == "float32" and _matmul_ready(ops, out):
        return [_matmul(ctx, ops, out)]
    return [_mul_sum(ctx, node, ops, out)]


def parse(node: NodeView, equation: str, ranks: list[int]) -> tuple[list[str], str]:
    """Input terms and the output term, one letter per dimension (ellipses expanded)."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(ranks):
        raise node.error(f"equation {equation!r} does not have {len(ranks)} input terms")
    spare = [c for c in string.ascii_letters if c not in eq]
    widths = [r - len(t.replace("...", "")) for t, r in zip(terms, ranks, strict=True)]
    width = max((w for t, w in zip(terms, widths, strict=True) if "..." in t), default=0)
    ell = "".join(spare[:width])
    terms = [t.replace("...", ell[width - w :]) for t, w in zip(terms, widths, strict=True)]
    if arrow:
        out = rhs.replace("...", ell)
    else:
        counts = "".join(terms)
        out = ell + "".join(sorted(c for c in set(counts) if counts.count(c) == 1 and c not in ell))
    for t, r in zip(terms, ranks, strict=True):
        if len(t) != r or (t and not t.isalpha()):
            raise node.error(f"equation {equation!r} does not match an operand of rank {r}")
    if (out and not out.isalpha()) or len(set(out)) != len(out) or set(out) - set("".join(terms)):
        raise node.error(f"equation {equation!r} has an invalid output term")
    return terms, out


def _diagonals(ctx: GraphContext, node: NodeView, x: Tensor, term: str):
    """Take the diagonal of every repeated letter (its dims become one, moved last)."""
    while len(set(term)) != len(term):
        c = next(c for c in term if term.count(c) > 1)
        p, q = _two(term, c)
        n = sig(x)[p]
        if n < 0 or sig(x)[q] != n:
            raise node.error(f"the diagonal over {c!r} needs equal static dimensions")
        rest = [i for i in range(x.rank) if i not in (p, q)]
        x = transpose(ctx, x, [*rest, p, q])
        x = reshape(ctx, x, (*(sig(x)[:-2]), n * n))
        idx = ctx.const(np.arange(n, dtype=np.int32) * (n + 1))
        if x.data is not None:
            x = ctx.const(np.take(x.data, idx.data, axis=-1))
        else:
            x = ctx.op("GATHER", [x, idx], (x.dtype, (*sig(x)[:-1], n)), axis=x.rank - 1,
                       batch_dims=0)  # fmt: skip
        term = "".join(term[i] for i in rest) + c
    return x, term


def _two(term: str, c: str) -> tuple[int, int]:
    first = term.index(c)
    return first, term.index(c, first + 1)


def _sum_out(ctx: GraphContext, x: Tensor, term: str, others: set[str]):
    """Sum the letters that appear in no other term."""
    axes = [i for i, c in enumerate(term) if c not in others]
    if not axes:
        return x, term
    kept = tuple(d for i, d in enumerate(sig(x)) if i not in axes)
    y = ctx.op("SUM", [x, ctx.ints(axes, "axes")], (x.dtype, kept), keep_dims=False)
    return y, "".join(c for i, c in enumerate(term) if i not in axes)


def _sizes(ops) -> dict[str, list[int]]:
    sizes: dict[str, list[int]] = {}
    for x, term in ops:
        for c, d in zip(term, sig(x), strict=True):
            sizes.setdefault(c, []).append(d)
    return sizes


def _check_sizes(node: NodeView, ops) -> None:
    for c, dims in _sizes(ops).items():
        known = {d for d in dims if d > 1}
        if len(known) > 1:
            raise node.error(f"letter {c!r} has different sizes {dims}")


def _groups(ops, out: str):
    (_, ta), (_, tb) = ops
    batch = [c for c in out if c in ta and c in tb]
    contr = [c for c in ta if c in tb and c not in out]
    left = [c for c in ta if c not in tb]
    right = [c for c in tb if c not in ta]
    return batch, left, contr, right


def _matmul_ready(ops, out: str) -> bool:
    """BATCH_MATMUL needs static, equal contracted dims and static left/right dims."""
    batch, left, contr, right = _groups(ops, out)
    sizes = _sizes(ops)
    if any(len(set(sizes[c])) != 1 or sizes[c][0] < 0 for c in contr):
        return False
    if any(sizes[c][0] < 0 for c in left + right):
        return False
    return all(sum(d < 0 for d in sig(x)) <= 1 for x, _ in ops)


def _matmul(ctx: GraphContext, ops, out: str) -> Tensor:
    batch, left, contr, right = _groups(ops, out)
    (a, ta), (b, tb) = ops
    sizes = {c: ds[0] for c, ds in _sizes(ops).items()}
    n_c = prod(sizes[c] for c in contr)
    a = transpose(ctx, a, [ta.index(c) for c in batch + left + contr])
    a = reshape(ctx, a, (*sig(a)[: len(batch)], prod(sizes[c] for c in left), n_c))
    b = transpose(ctx, b, [tb.index(c) for c in batch + contr + right])
    b = reshape(ctx, b, (*sig(b)[: len(batch)], n_c, prod(sizes[c] for c in right)))
    batch_out = bshape(_Shape(sig(a)[:-2]), _Shape(sig(b)[:-2]))
    y = ctx.op("BATCH_MATMUL", [a, b], (a.dtype, (*batch_out, sig(a)[-2], sig(b)[-1])),
               adj_x=False, adj_y=False)  # fmt: skip
    dims = (*batch_out, *(sizes[c] for c in left), *(sizes[c] for c in right))
    y = reshape(ctx, y, dims)
    order = batch + left + right
    return transpose(ctx, y, [order.index(c) for c in out])


def _mul_sum(ctx: GraphContext, node: NodeView, ops, out: str) -> Tensor:
    """Broadcast both operands over every letter, multiply, sum the contracted letters."""
    batch, left, contr, right = _groups(ops, out)
    order = batch + left + right + contr
    parts = []
    for x, term in ops:
        present = [c for c in order if c in term]
        x = transpose(ctx, x, [term.index(c) for c in present])
        dims = [sig(x)[present.index(c)] if c in term else 1 for c in order]
        if sum(d < 0 for d in dims) > 1:
            raise node.error("more than one dynamic dimension per operand is not supported")
        parts.append(reshape(ctx, x, dims))
    y = ctx.op("MUL", parts, (parts[0].dtype, bshape(*parts)))
    if contr:
        kept = sig(y)[: len(order) - len(contr)]
        axes = list(range(len(kept), len(order)))
        y = ctx.op("SUM", [y, ctx.ints(axes, "axes")], (y.dtype, kept), keep_dims=False)
    order = batch + left + right
    return transpose(ctx, y, [order.index(c) for c in out])


class _Shape:
    """Shape-only stand-in so that the broadcasting helper can work on batch dimensions."""

    def __init__(self, shape) -> None:
        self.signature_shape = tuple(shape)
