"""RNN, GRU and LSTM, unrolled over their static sequence length into builtins.

Each direction projects the whole input sequence at once (one FULLY_CONNECTED over
``[T, B, I]``), UNPACKs the projection into time steps and runs the cell of
:mod:`.recurrent_cells` once per step, in reverse order for the reverse direction. The hidden
states are PACKed into ``Y``; the last ones into ``Y_h`` (and ``Y_c`` for LSTM).

Supported: float32; directions forward, reverse and bidirectional; both layouts; biases,
initial states and LSTM peepholes (constant or run-time); the activations Sigmoid, Tanh and
Relu. ``sequence_lens`` is accepted only when absent or a constant equal to the sequence length
everywhere; ``clip``, ``activation_alpha``/``activation_beta`` and LSTM's ``input_forget=1`` are
rejected.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from siglite.ir import Tensor

from ..context import GraphContext, NodeView
from ..emit import sig
from . import handler
from .elementwise import F32, check_dtype
from .recurrent_cells import CELLS, Weights, cut

GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}
DEFAULT_ACTIVATIONS = {"RNN": ("Tanh",), "GRU": ("Sigmoid", "Tanh"),
                       "LSTM": ("Sigmoid", "Tanh", "Tanh")}  # fmt: skip
ACTIVATIONS = {"sigmoid": "LOGISTIC", "tanh": "TANH", "relu": "RELU"}
DIRECTIONS = {"forward": ("forward",), "reverse": ("reverse",),
              "bidirectional": ("forward", "reverse")}  # fmt: skip


@dataclass
class Spec:
    """What the node's attributes and input shapes say about the recurrence."""

    op: str
    hidden: int
    directions: tuple[str, ...]
    activations: list[tuple[str, ...]]  # per direction, as builtin op names
    layout: int
    steps: int
    linear_before_reset: bool = False


@handler("RNN", "GRU", "LSTM")
def recurrent(ctx: GraphContext, node: NodeView):
    spec = _spec(node)
    x = node.input(0)
    hs_all, last_h, last_c = [], [], []
    for d, direction in enumerate(spec.directions):
        weights = _weights(ctx, node, spec, d)
        steps = _project(ctx, x, weights, spec)
        order = range(spec.steps) if direction == "forward" else reversed(range(spec.steps))
        h, c = _initial(ctx, node, spec, 5, d), _initial(ctx, node, spec, 6, d)
        hs: list[Tensor | None] = [None] * spec.steps
        for t in order:
            h, c = CELLS[spec.op](ctx, spec, weights, spec.activations[d], steps[t], h, c)
            hs[t] = h
        hs_all.append(hs)
        last_h.append(h)
        last_c.append(c)
    y = _stack_y(ctx, spec, hs_all) if node.wants_output(0) else None
    y_h = _pack(ctx, last_h, spec.layout)
    y_c = _pack(ctx, last_c, spec.layout) if spec.op == "LSTM" else None
    return [y, y_h, y_c]


def _spec(node: NodeView) -> Spec:
    op = node.op_type
    x, w, r = node.input(0), node.input(1), node.input(2)
    for t, what in ((x, "X"), (w, "W"), (r, "R")):
        check_dtype(node, t, F32, what)
    layout = int(node.attr("layout", 0))
    if layout not in (0, 1) or x.rank != 3 or w.rank != 3 or r.rank != 3:
        raise node.error("X, W and R must be 3-D and layout 0 or 1")
    direction = node.attr("direction", "forward")
    if direction not in DIRECTIONS:
        raise node.error(f"direction={direction!r} is not supported")
    dirs = DIRECTIONS[direction]
    hidden = sig(r)[-1]
    if int(node.attr("hidden_size", hidden)) != hidden or hidden < 0:
        raise node.error(f"hidden_size must equal R's last dimension {hidden}")
    expect = {"W": (len(dirs), GATES[op] * hidden, sig(x)[2]),
              "R": (len(dirs), GATES[op] * hidden, hidden)}  # fmt: skip
    for t, what in ((w, "W"), (r, "R")):
        if sig(t) != expect[what]:
            raise node.error(f"{what} has shape {sig(t)}, expected {expect[what]}")
    steps = sig(x)[layout]
    if steps <= 0:
        raise node.error("the sequence length must be static and positive")
    _check_sequence_lens(node, steps)
    if op == "LSTM" and int(node.attr("input_forget", 0)):
        raise node.error("input_forget=1 is not supported")
    lbr = bool(int(node.attr("linear_before_reset", 0))) if op == "GRU" else False
    acts = _activations(node, op, len(dirs))
    return Spec(op, hidden, dirs, acts, layout, steps, lbr)


def _check_sequence_lens(node: NodeView, steps: int) -> None:
    if not node.has_input(4):
        return
    lens = node.const(4)
    if lens is None or lens.size == 0 or not np.all(lens == steps):
        raise node.error(
            f"sequence_lens is supported only when absent or constant {steps} everywhere"
        )


def _activations(node: NodeView, op: str, n_dirs: int) -> list[tuple[str, ...]]:
    per_dir = len(DEFAULT_ACTIVATIONS[op])
    names = node.attr("activations")
    if names is None:
        names = list(DEFAULT_ACTIVATIONS[op]) * n_dirs
    names = [n.decode() if isinstance(n, bytes) else str(n) for n in names]
    if len(names) != per_dir * n_dirs:
        raise node.error(f"activations {names} must name {per_dir * n_dirs} functions")
    unknown = [n for n in names if n.lower() not in ACTIVATIONS]
    if unknown:
        raise node.error(f"activation(s) {unknown} are not supported (Sigmoid, Tanh, Relu are)")
    ops = [ACTIVATIONS[n.lower()] for n in names]
    return [tuple(ops[d * per_dir : (d + 1) * per_dir]) for d in range(n_dirs)]


def pick(ctx: GraphContext, t: Tensor, axis: int, i: int) -> Tensor:
    """``t`` indexed by ``i`` along ``axis`` (the axis dropped)."""
    if t.data is not None:
        return ctx.const(np.take(t.data, i, axis=axis))
    out = tuple(d for a, d in enumerate(sig(t)) if a != axis)
    idx = ctx.const(np.array(i, np.int32))
    return ctx.op("GATHER", [t, idx], (t.dtype, out), axis=axis, batch_dims=0)


def _weights(ctx: GraphContext, node: NodeView, spec: Spec, d: int) -> Weights:
    gh = GATES[spec.op] * spec.hidden
    w, r = pick(ctx, node.input(1), 0, d), pick(ctx, node.input(2), 0, d)
    wb = rb = None
    if node.has_input(3):
        b = node.input(3)
        if sig(b) != (len(spec.directions), 2 * gh):
            raise node.error(f"B has shape {sig(b)}, expected {(len(spec.directions), 2 * gh)}")
        b = pick(ctx, b, 0, d)
        wb, rb = cut(ctx, b, 0, gh), cut(ctx, b, gh, gh)
    peep = None
    if spec.op == "LSTM" and node.has_input(7):
        p = node.input(7)
        if sig(p) != (len(spec.directions), 3 * spec.hidden):
            raise node.error(
                f"P has shape {sig(p)}, expected {(len(spec.directions), 3 * spec.hidden)}"
            )
        peep = pick(ctx, p, 0, d)
    return Weights(w, r, wb, rb, peep)


def _project(ctx: GraphContext, x: Tensor, weights: Weights, spec: Spec) -> list[Tensor]:
    """The input projections ``x_t W^T + bias``, one ``[B, gates * H]`` tensor per step."""
    gh = GATES[spec.op] * spec.hidden
    bias = weights.input_bias(ctx, spec)
    xw = ctx.op("FULLY_CONNECTED", [x, weights.w, bias], (x.dtype, (*sig(x)[:2], gh)),
                fused_activation="NONE", keep_num_dims=True)  # fmt: skip
    batch = sig(x)[1 - spec.layout]
    outs = [(x.dtype, (batch, gh))] * spec.steps
    return ctx.op_multi("UNPACK", [xw], outs, num=spec.steps, axis=spec.layout)


def _initial(ctx: GraphContext, node: NodeView, spec: Spec, i: int, d: int) -> Tensor | None:
    """Direction ``d``'s initial hidden (i=5) or cell (i=6) state, ``None`` when zero."""
    if i == 6 and spec.op != "LSTM":
        return None
    if not node.has_input(i):
        return None
    t = node.input(i)
    check_dtype(node, t, F32, "initial state")
    if t.rank != 3 or sig(t)[spec.layout] != len(spec.directions) or sig(t)[2] != spec.hidden:
        raise node.error(f"initial state has shape {sig(t)}")
    return pick(ctx, t, spec.layout, d)


def _pack(ctx: GraphContext, ts: list[Tensor], axis: int) -> Tensor:
    shape = list(sig(ts[0]))
    shape.insert(axis, len(ts))
    return ctx.op("PACK", ts, (ts[0].dtype, tuple(shape)), axis=axis, values_count=len(ts))


def _stack_y(ctx: GraphContext, spec: Spec, hs_all: list[list[Tensor]]) -> Tensor:
    """``Y``: ``[T, D, B, H]`` (layout 0) or ``[B, T, D, H]`` (layout 1)."""
    per_dir = [_pack(ctx, hs, spec.layout) for hs in hs_all]
    return _pack(ctx, per_dir, 1 + spec.layout)
