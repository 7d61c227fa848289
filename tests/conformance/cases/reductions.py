"""Conformance cases: MEAN, SUM, REDUCE_*, ARG_MAX/ARG_MIN, TOPK_V2 and CUMSUM."""

from __future__ import annotations

import numpy as np
from harness import Case, Const, Inputs

_inputs = Inputs(4321)
rng, f32, ints = _inputs.rng, _inputs.f32, _inputs.ints


def axis(*values, dtype=np.int32):
    return Const(np.array(values, dtype))


AXES = [  # (input shape, axes, label)
    ((3, 4, 5), (1,), "mid"),
    ((3, 4, 5), (0, 2), "outer"),
    ((3, 4, 5), (-1,), "neg"),
    ((3, 4, 5), (0, 1, 2), "all"),
    ((3, 4, 5), (1, -2), "repeated"),
    ((6,), (0,), "rank1"),
    ((2, 1, 3, 2, 2), (1, 3), "rank5"),
]

CASES: list[Case] = []

for op in ("MEAN", "SUM", "REDUCE_MAX", "REDUCE_MIN", "REDUCE_PROD"):
    lo, hi = (0.5, 1.5) if op == "REDUCE_PROD" else (-3.0, 3.0)
    for shape, axes, label in AXES:
        for keep in (False, True):
            suffix = "_keep" if keep else ""
            x = f32(*shape, lo=lo, hi=hi)
            CASES.append(Case(op, [x, axis(*axes)], {"keep_dims": keep}, id=f"f32_{label}{suffix}"))
    if op not in ("REDUCE_MAX", "REDUCE_MIN"):  # LiteRT's kernels disagree: -inf vs lowest
        CASES.append(Case(op, [f32(0, 3, lo=lo, hi=hi), axis(0)], id="f32_empty"))
    CASES.append(Case(op, [f32(3, 0, lo=lo, hi=hi), axis(0)], id="f32_empty_kept"))
    CASES.append(Case(op, [f32(3, 4, lo=lo, hi=hi), np.array([0], np.int32)], id="f32_axis_input"))
    CASES.append(
        Case(op, [f32(3, 4, lo=lo, hi=hi), np.array(0, np.int32)], id="f32_axis_scalar_input")
    )
    int_lo, int_hi = (-3, 4) if op == "REDUCE_PROD" else (-50, 50)
    for dt in (np.int32, np.int64):
        x = ints(3, 4, 2, lo=int_lo, hi=int_hi, dtype=dt)
        CASES.append(Case(op, [x, axis(1)], id=f"{np.dtype(dt).name}"))
        CASES.append(Case(op, [x, axis(0, 2)], {"keep_dims": True}, id=f"{np.dtype(dt).name}_keep"))

for op in ("REDUCE_MAX", "REDUCE_MIN"):
    for dt, lo in ((np.int8, -100), (np.uint8, 0)):
        x = ints(4, 5, lo=lo, hi=120, dtype=dt)
        CASES.append(Case(op, [x, axis(1)], id=np.dtype(dt).name))

bools = rng.random((3, 4, 2)) < 0.3
CASES += [
    Case("REDUCE_ANY", [bools, axis(1)], id="mid"),
    Case("REDUCE_ANY", [bools, axis(0, 2)], {"keep_dims": True}, id="outer_keep"),
    Case("REDUCE_ANY", [bools, axis(-1)], id="neg"),
    Case("REDUCE_ANY", [np.zeros((2, 3), np.bool_), axis(0, 1)], id="all_false"),
]

for op in ("ARG_MAX", "ARG_MIN"):
    for out in ("INT32", "INT64"):
        CASES.append(Case(op, [f32(3, 4, 5), axis(1)], {"output_type": out}, id=f"f32_{out}"))
    CASES += [
        Case(op, [f32(3, 4, 5), axis(-1)], {"output_type": "INT64"}, id="f32_neg"),
        Case(op, [f32(7), axis(0)], {"output_type": "INT32"}, id="f32_rank1"),
        Case(
            op,
            [f32(2, 3, 4), axis(0, dtype=np.int64)],
            {"output_type": "INT64"},
            id="f32_axis_int64",
        ),
        Case(op, [ints(4, 6, lo=-2, hi=3), axis(1)], {"output_type": "INT32"}, id="int32_ties"),
        Case(
            op,
            [ints(4, 6, lo=0, hi=3, dtype=np.uint8), axis(0)],
            {"output_type": "INT64"},
            id="uint8",
        ),
        Case(
            op,
            [ints(4, 6, lo=-3, hi=3, dtype=np.int8), axis(1)],
            {"output_type": "INT32"},
            id="int8",
        ),
        Case(op, [rng.random((3, 5)) < 0.5, axis(1)], {"output_type": "INT32"}, id="bool"),
    ]

CASES += [
    Case("TOPK_V2", [f32(3, 10), Const(np.array(3, np.int32))], id="f32"),
    Case("TOPK_V2", [f32(8), Const(np.array(8, np.int32))], id="f32_all"),
    Case("TOPK_V2", [f32(2, 3, 6), Const(np.array(1, np.int32))], id="f32_rank3"),
    Case("TOPK_V2", [ints(4, 9, lo=-3, hi=3), Const(np.array(4, np.int32))], id="int32_ties"),
    Case("TOPK_V2", [ints(2, 9, dtype=np.int64), Const(np.array(2, np.int32))], id="int64"),
    Case(
        "TOPK_V2",
        [ints(3, 7, lo=0, hi=5, dtype=np.uint8), Const(np.array(3, np.int32))],
        id="uint8",
    ),
    Case(
        "TOPK_V2", [ints(3, 7, lo=-5, hi=5, dtype=np.int8), Const(np.array(3, np.int32))], id="int8"
    ),
]

for exclusive in (False, True):
    for reverse in (False, True):
        flags = {"exclusive": exclusive, "reverse": reverse}
        tag = ("excl_" if exclusive else "") + ("rev_" if reverse else "")
        CASES.append(Case("CUMSUM", [f32(3, 4), np.array(1, np.int32)], flags, id=f"{tag}f32"))
        CASES.append(
            Case("CUMSUM", [ints(3, 4, 2), Const(np.array(0, np.int32))], flags, id=f"{tag}int32")
        )
CASES += [
    Case("CUMSUM", [f32(2, 3, 4), Const(np.array(-1, np.int32))], id="f32_neg_axis"),
    Case("CUMSUM", [ints(5, dtype=np.int64), Const(np.array(0, np.int32))], id="int64"),
    Case(
        "CUMSUM",
        [f32(2, 5), Const(np.array(1, np.int32))],
        {"exclusive": True},
        id="f32_const_axis_excl",
    ),
]
