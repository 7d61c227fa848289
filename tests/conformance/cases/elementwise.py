"""Conformance cases: elementwise arithmetic, activations, comparisons, logic and selection."""

from __future__ import annotations

import numpy as np
from harness import Case, Const, Inputs

_inputs = Inputs(1234)
rng, f32, ints, bools = _inputs.rng, _inputs.f32, _inputs.ints, _inputs.bools


def nonzero(*shape, dtype=np.int32):
    x = ints(*shape, lo=1, hi=7, dtype=dtype)
    return np.where(rng.random(shape) < 0.5, -x, x).astype(dtype)


# TANH and SIGN_BIT are accepted but leave values unchanged in these ops.
ACTIVATIONS = ("NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH", "SIGN_BIT")
SHAPES = [  # (x shape, y shape, label): broadcasting, scalars, ranks 1..5, empty
    ((2, 3, 4), (2, 3, 4), "same"),
    ((2, 3, 4), (4,), "bcast_row"),
    ((2, 1, 4), (3, 1), "bcast_both"),
    ((), (2, 3), "scalar"),
    ((5,), (), "rank1_scalar"),
    ((2, 1, 2, 3, 2), (1, 3, 1, 1, 2), "rank5"),
    ((0, 3), (3,), "empty"),
]

CASES: list[Case] = []

for op in ("ADD", "SUB", "MUL"):
    for xs, ys, label in SHAPES:
        CASES.append(Case(op, [f32(*xs), f32(*ys)], id=f"f32_{label}"))
    for act in ACTIVATIONS[1:]:
        CASES.append(Case(op, [f32(2, 5), f32(5)], {"fused_activation": act}, id=f"f32_{act}"))
    for dt in (np.int32, np.int64):
        name = np.dtype(dt).name
        CASES.append(Case(op, [ints(3, 4, dtype=dt), ints(4, dtype=dt)], id=f"{name}_bcast"))
    CASES.append(
        Case(op, [ints(2, 6), ints(2, 6)], {"fused_activation": "RELU6"}, id="int32_RELU6")
    )
    CASES.append(Case(op, [f32(2, 3), Const(f32(3))], id="f32_const"))

for xs, ys, label in SHAPES:
    CASES.append(Case("DIV", [f32(*xs), f32(*ys, lo=0.5, hi=4.0)], id=f"f32_{label}"))
for act in ACTIVATIONS[1:]:
    CASES.append(
        Case("DIV", [f32(4, 3), f32(3, lo=0.2, hi=2)], {"fused_activation": act}, id=f"f32_{act}")
    )
CASES.append(Case("DIV", [ints(3, 4, lo=-50, hi=50), nonzero(4)], id="int32_trunc"))
CASES.append(
    Case(
        "DIV", [ints(12, lo=-50, hi=50), nonzero(12)], {"fused_activation": "RELU"}, id="int32_RELU"
    )
)
long_pair = [ints(20, lo=-20, hi=20, dtype=np.int64), nonzero(20, dtype=np.int64)]
CASES.append(Case("FLOOR_MOD", long_pair, id="int64"))

for op in ("FLOOR_DIV", "FLOOR_MOD"):
    CASES.append(Case(op, [f32(3, 4, lo=-10, hi=10), f32(4, lo=0.5, hi=3)], id="f32_pos"))
    CASES.append(Case(op, [f32(3, 4, lo=-10, hi=10), -f32(3, 4, lo=0.5, hi=3)], id="f32_neg"))
    CASES.append(Case(op, [ints(3, 4, lo=-20, hi=20), nonzero(4)], id="int32"))
    CASES.append(Case(op, [ints(2, 3, lo=-20, hi=20), nonzero()], id="int32_scalar"))

CASES += [
    Case("POW", [f32(3, 4, lo=0.1, hi=3), f32(4, lo=-2, hi=2)], id="f32"),
    Case("POW", [f32(2, 3, lo=0.1, hi=3), f32()], id="f32_scalar"),
    Case("POW", [ints(3, 4, lo=-4, hi=5), ints(3, 4, lo=0, hi=5)], id="int32"),
    Case("POW", [ints(6, lo=-4, hi=5), ints(lo=0, hi=4)], id="int32_scalar"),
]

for op in ("MAXIMUM", "MINIMUM"):
    for xs, ys, label in SHAPES[:6]:
        CASES.append(Case(op, [f32(*xs), f32(*ys)], id=f"f32_{label}"))
    for dt in (np.int32, np.int64, np.int8, np.uint8):
        lo = 0 if dt is np.uint8 else -9
        x, y = ints(3, 4, lo=lo, dtype=dt), ints(4, lo=lo, dtype=dt)
        CASES.append(Case(op, [x, y], id=f"{np.dtype(dt).name}_bcast"))
    # NaN in either operand and signed zeros: TFLite's one-comparison pick, not IEEE max/min
    nan_x = np.array([1, np.nan, np.nan, 3, -0.0, 0.0], np.float32)
    nan_y = np.array([np.nan, 2, np.nan, 3, 0.0, -0.0], np.float32)
    CASES.append(Case(op, [nan_x, nan_y], id="f32_nan_signed_zero"))

CASES += [
    Case("SQUARED_DIFFERENCE", [f32(2, 3, 4), f32(2, 3, 4)], id="f32"),
    Case("SQUARED_DIFFERENCE", [f32(2, 3, 4), f32(3, 1)], id="f32_bcast"),
    Case("SQUARED_DIFFERENCE", [ints(3, 4), ints(4)], id="int32"),
    Case("PRELU", [f32(1, 4, 4, 3), f32(3)], id="f32_channel"),
    Case("PRELU", [f32(2, 4, 3), Const(f32(1, 1, 3, lo=0, hi=1))], id="f32_const_alpha"),
    Case("PRELU", [f32(2, 5), f32(2, 5)], id="f32_full"),
]

UNARY_F32 = {  # op -> input range
    "ABS": (-3, 3),
    "NEG": (-3, 3),
    "EXP": (-5, 5),
    "LOG": (0.01, 10),
    "SQRT": (0, 10),
    "RSQRT": (0.05, 10),
    "SQUARE": (-3, 3),
    "SIN": (-6, 6),
    "COS": (-6, 6),
    "TANH": (-5, 5),
    "LOGISTIC": (-12, 12),
    "RELU": (-3, 3),
    "RELU6": (-3, 9),
    "RELU_N1_TO_1": (-2, 2),
    "ELU": (-4, 4),
    "HARD_SWISH": (-5, 5),
    "FLOOR": (-5, 5),
    "CEIL": (-5, 5),
    "SIGN": (-3, 3),
}
for op, (lo, hi) in UNARY_F32.items():
    CASES.append(Case(op, [f32(2, 3, 4, lo=lo, hi=hi)], id="f32"))
    CASES.append(Case(op, [f32(lo=lo, hi=hi)], id="f32_scalar"))
    CASES.append(Case(op, [f32(1, 2, 1, 3, 2, lo=lo, hi=hi)], id="f32_rank5"))
    CASES.append(Case(op, [f32(0, 3, lo=lo, hi=hi)], id="f32_empty"))

for op in ("ABS", "NEG", "SIGN"):
    CASES.append(Case(op, [ints(3, 5)], id="int32"))
CASES.append(Case("NEG", [ints(3, 5, dtype=np.int64)], id="int64"))

halves = np.arange(-4, 4.5, 0.5, dtype=np.float32)
CASES += [
    Case("ROUND", [halves], id="f32_halves"),
    Case("ROUND", [f32(3, 7, lo=-10, hi=10)], id="f32"),
    Case("FLOOR", [halves], id="f32_halves"),
    Case("CEIL", [halves], id="f32_halves"),
    Case("SIGN", [np.array([-2.0, 0.0, 3.0], np.float32)], id="f32_zero"),
    Case("LEAKY_RELU", [f32(2, 3, 4)], {"alpha": 0.1}, id="f32"),
    Case("LEAKY_RELU", [f32(5)], {"alpha": 2.5}, id="f32_alpha_gt1"),
    Case("GELU", [f32(2, 3, 4, lo=-6, hi=6)], {"approximate": False}, id="f32_exact"),
    Case("GELU", [f32(2, 3, 4, lo=-6, hi=6)], {"approximate": True}, id="f32_approximate"),
    Case("GELU", [f32(0, 4)], {"approximate": False}, id="f32_empty"),
]

# Comparisons and logic.
COMPARE = ("EQUAL", "NOT_EQUAL", "LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL")
for op in COMPARE:
    grid = np.round(f32(3, 4)).astype(np.float32)  # whole numbers: equal pairs occur
    CASES.append(Case(op, [grid, np.round(f32(4)).astype(np.float32)], id="f32_bcast"))
    CASES.append(Case(op, [ints(2, 3, 4, lo=-2, hi=3), ints(2, 3, 4, lo=-2, hi=3)], id="int32"))
    pair = [ints(3, 4, lo=-2, hi=3, dtype=np.int64), ints(lo=-2, hi=3, dtype=np.int64)]
    CASES.append(Case(op, pair, id="int64_scalar"))
    CASES.append(Case(op, [f32(0, 2), f32(2)], id="f32_empty"))
words = np.array([b"a", b"bc", b"", b"bc"], dtype=object)
for op in ("EQUAL", "NOT_EQUAL"):
    CASES.append(Case(op, [bools(3, 4), bools(4)], id="bool"))
    CASES.append(Case(op, [words, np.array([b"a", b"b", b"", b"bc"], dtype=object)], id="string"))
    CASES.append(Case(op, [words, Const(np.array(b"bc", dtype=object))], id="string_scalar"))
for op in ("LOGICAL_AND", "LOGICAL_OR"):
    CASES.append(Case(op, [bools(2, 3, 4), bools(2, 3, 4)], id="same"))
    CASES.append(Case(op, [bools(2, 3, 4), bools(3, 1)], id="bcast"))
    CASES.append(Case(op, [bools(5), bools()], id="scalar"))
CASES += [
    Case("LOGICAL_NOT", [bools(3, 4)], id="bool"),
    Case("LOGICAL_NOT", [bools()], id="scalar"),
    Case("SELECT", [bools(3, 4), f32(3, 4), f32(3, 4)], id="f32"),
    Case("SELECT", [bools(3), f32(3, 4), f32(3, 4)], id="f32_rowmask"),
    Case("SELECT", [bools(2, 5), ints(2, 5), ints(2, 5)], id="int32"),
    Case("SELECT", [bools(4), bools(4), bools(4)], id="bool"),
    Case("SELECT_V2", [bools(3, 4), f32(3, 4), f32(3, 4)], id="f32"),
    Case("SELECT_V2", [bools(3, 1), f32(1, 4), f32(3, 4)], id="f32_bcast"),
    Case("SELECT_V2", [bools(), f32(2, 3), f32(2, 3)], id="f32_scalar_cond"),
    Case(
        "SELECT_V2",
        [bools(2, 1, 3), ints(4, 1, dtype=np.int64), ints(3, dtype=np.int64)],
        id="int64_bcast",
    ),
    Case("WHERE", [bools(3, 4)], id="bool_2d"),
    Case("WHERE", [bools(7)], id="bool_1d"),
    Case("WHERE", [bools(2, 3, 4)], id="bool_3d"),
    Case("WHERE", [np.round(f32(3, 4, lo=-1, hi=1))], id="f32"),
    Case("WHERE", [ints(4, 3, lo=-1, hi=2)], id="int32"),
]
