"""Conformance cases: ADD_N, ATAN2, REDUCE_ALL and ONE_HOT."""

from __future__ import annotations

import numpy as np
from harness import Case, Const, Inputs

_inputs = Inputs(2468)
rng, f32, ints = _inputs.rng, _inputs.f32, _inputs.ints


CASES: list[Case] = [
    Case("ADD_N", [f32(2, 3), f32(2, 3)], id="f32_two"),
    Case("ADD_N", [f32(4), f32(4), f32(4), Const(f32(4))], id="f32_four_const"),
    Case("ADD_N", [ints(3, 2), ints(3, 2), ints(3, 2)], id="int32"),
    Case("ATAN2", [f32(3, 4), f32(3, 4)], id="f32"),
    Case(
        "ATAN2",
        [np.array([0, 1, -1, 0, 2], np.float32), np.array([0, 0, 0, -1, -2], np.float32)],
        id="f32_axes",
    ),
]

bools = rng.random((3, 4, 2)) < 0.8
CASES += [
    Case("REDUCE_ALL", [bools, Const(np.array([1], np.int32))], id="mid"),
    Case("REDUCE_ALL", [bools, Const(np.array([0, 2], np.int32))], {"keep_dims": True}, id="keep"),
    Case("REDUCE_ALL", [bools, Const(np.array([-1], np.int32))], id="neg"),
    Case("REDUCE_ALL", [np.ones((2, 3), np.bool_), Const(np.array([0, 1], np.int32))], id="true"),
]

indices = np.array([[0, 2, -1], [3, 1, 1]], np.int32)  # -1 and 3 lie outside depth 3
for axis in (-1, 0, 1, 2):
    for on, off, label in (
        (np.float32(1), np.float32(0), "f32"),
        (np.int32(5), np.int32(-2), "int32"),
        (np.bool_(True), np.bool_(False), "bool"),
    ):
        CASES.append(
            Case(
                "ONE_HOT",
                [indices, Const(np.array(3, np.int32)), Const(on), Const(off)],
                {"axis": axis},
                id=f"{label}_axis{axis}",
            )
        )
CASES.append(
    Case(
        "ONE_HOT",
        [
            np.array([4, 0, 2], np.int64),
            Const(np.array(5, np.int32)),
            Const(np.float32(2.5)),
            Const(np.float32(-1)),
        ],
        id="int64_indices",
    )
)
