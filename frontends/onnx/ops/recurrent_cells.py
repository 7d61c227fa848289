"""One time step of the ONNX RNN, GRU and LSTM cells, as builtins.

A cell takes the step's input projection ``x_t W^T + bias`` (made once for the whole sequence)
and the previous states; a state of ``None`` is zero (no initial state given), which drops the
recurrent terms of the first step instead of multiplying zeros.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from siglite.ir import Tensor

from ..context import GraphContext
from ..emit import binary, sig, unary


def cut(ctx: GraphContext, t: Tensor | None, start: int, size: int) -> Tensor | None:
    """``t[start : start + size]`` along the first axis (``None`` stays ``None``)."""
    if t is None:
        return None
    if t.data is not None:
        return ctx.const(t.data[start : start + size].copy())
    begin = ctx.ints([start] + [0] * (t.rank - 1), "begin")
    length = ctx.ints([size] + [-1] * (t.rank - 1), "size")
    return ctx.op("SLICE", [t, begin, length], (t.dtype, (size, *sig(t)[1:])))


def add(ctx: GraphContext, a: Tensor | None, b: Tensor | None) -> Tensor | None:
    """``a + b`` where either may be absent; two constants are added now."""
    if a is None or b is None:
        return a if b is None else b
    if a.data is not None and b.data is not None:
        return ctx.const(a.data + b.data)
    return binary(ctx, "ADD", a, b)


@dataclass
class Weights:
    """One direction's parameters: ``w [G*H, I]``, ``r [G*H, H]``, the two bias halves and
    LSTM's peepholes ``[3H]`` (biases and peepholes ``None`` when absent)."""

    w: Tensor
    r: Tensor
    wb: Tensor | None
    rb: Tensor | None
    peep: Tensor | None
    cache: dict[str, Any] = field(default_factory=dict)

    def input_bias(self, ctx: GraphContext, spec) -> Tensor | None:
        """The bias added to the input projection: every bias that is not multiplied by GRU's
        reset gate (``linear_before_reset=1`` keeps the hidden gate's recurrent bias apart)."""
        if spec.op == "GRU" and spec.linear_before_reset and self.rb is not None:
            h = spec.hidden
            rb_zr = cut(ctx, self.rb, 0, 2 * h)
            zeros = ctx.const(np.zeros(h, np.float32))
            if rb_zr.data is not None:
                rb = ctx.const(np.concatenate([rb_zr.data, zeros.data]))
            else:
                rb = ctx.op("CONCATENATION", [rb_zr, zeros], (rb_zr.dtype, (3 * h,)),
                            axis=0, fused_activation="NONE")  # fmt: skip
            return add(ctx, self.wb, rb)
        return add(ctx, self.wb, self.rb)

    def part(self, ctx: GraphContext, name: str, t: Tensor | None, start: int, size: int):
        """``cut(t, start, size)``, made once per direction."""
        if name not in self.cache:
            self.cache[name] = cut(ctx, t, start, size)
        return self.cache[name]


def fc(ctx: GraphContext, x: Tensor, w: Tensor, bias: Tensor | None = None) -> Tensor:
    """``x [B, K] @ w[N, K]^T + bias``."""
    out = (sig(x)[0], sig(w)[0])
    return ctx.op("FULLY_CONNECTED", [x, w, bias], (x.dtype, out), fused_activation="NONE",
                  keep_num_dims=False)  # fmt: skip


def split(ctx: GraphContext, x: Tensor, n: int) -> list[Tensor]:
    """``n`` equal parts of ``x [B, n*H]`` along its last axis."""
    rows, cols = sig(x)
    axis = ctx.const(np.array(1, np.int32))
    return ctx.op_multi("SPLIT", [axis, x], [(x.dtype, (rows, cols // n))] * n, num_splits=n)


def mul(ctx: GraphContext, a: Tensor, b: Tensor) -> Tensor:
    return binary(ctx, "MUL", a, b)


def rnn_cell(ctx, spec, wts: Weights, acts, xw, h, c):
    """``H = f(x W^T + h R^T + Wb + Rb)``."""
    gates = xw if h is None else binary(ctx, "ADD", xw, fc(ctx, h, wts.r))
    return unary(ctx, acts[0], gates), None


def lstm_cell(ctx, spec, wts: Weights, acts, xw, h, c):
    """Gates in ONNX's order i, o, f, c; peepholes ``[Pi, Po, Pf]`` act on the cell state."""
    f_act, g_act, h_act = acts
    n = spec.hidden
    gates = xw if h is None else binary(ctx, "ADD", xw, fc(ctx, h, wts.r))
    i, o, f, g = split(ctx, gates, 4)
    p_i, p_o, p_f = (wts.part(ctx, f"p{k}", wts.peep, k * n, n) for k in range(3))
    if c is not None and p_i is not None:
        i = binary(ctx, "ADD", i, mul(ctx, p_i, c))
        f = binary(ctx, "ADD", f, mul(ctx, p_f, c))
    c_new = mul(ctx, unary(ctx, f_act, i), unary(ctx, g_act, g))
    if c is not None:
        c_new = binary(ctx, "ADD", mul(ctx, unary(ctx, f_act, f), c), c_new)
    if p_o is not None:
        o = binary(ctx, "ADD", o, mul(ctx, p_o, c_new))
    return mul(ctx, unary(ctx, f_act, o), unary(ctx, h_act, c_new)), c_new


def gru_cell(ctx, spec, wts: Weights, acts, xw, h, c):
    """Gates z, r, h; ``H = (1 - z) * h~ + z * H_prev``, written ``h~ + z * (H_prev - h~)``."""
    f_act, g_act = acts
    n = spec.hidden
    xz, xr, xh = split(ctx, xw, 3)
    if h is not None:
        rz, rr = split(ctx, fc(ctx, h, wts.part(ctx, "r_zr", wts.r, 0, 2 * n)), 2)
        xz, xr = binary(ctx, "ADD", xz, rz), binary(ctx, "ADD", xr, rr)
    z, r = unary(ctx, f_act, xz), unary(ctx, f_act, xr)
    r_h = wts.part(ctx, "r_h", wts.r, 2 * n, n)
    if spec.linear_before_reset:
        rb_h = wts.part(ctx, "rb_h", wts.rb, 2 * n, n)
        rec = rb_h if h is None else fc(ctx, h, r_h, rb_h)
        if rec is not None:
            xh = binary(ctx, "ADD", xh, mul(ctx, r, rec))
    elif h is not None:
        xh = binary(ctx, "ADD", xh, fc(ctx, mul(ctx, r, h), r_h))
    cand = unary(ctx, g_act, xh)
    if h is None:
        return binary(ctx, "SUB", cand, mul(ctx, z, cand)), None
    return binary(ctx, "ADD", cand, mul(ctx, z, binary(ctx, "SUB", h, cand))), None


CELLS: dict[str, Callable[..., tuple[Tensor, Tensor | None]]] = {
    "RNN": rnn_cell,
    "GRU": gru_cell,
    "LSTM": lstm_cell,
}
