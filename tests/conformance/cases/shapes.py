"""Conformance cases: reshaping, slicing, gathering, padding and other data movement."""

from __future__ import annotations

import numpy as np
from harness import Case, Const, Inputs

_inputs = Inputs(2468)
f32, ints, bools = _inputs.f32, _inputs.ints, _inputs.bools


def c(*values, dtype=np.int32):
    """A constant integer vector."""
    return Const(np.array(values, dtype))


def cs(value, dtype=np.int32):
    """A constant integer scalar."""
    return Const(np.array(value, dtype))


CASES: list[Case] = [
    Case("RESHAPE", [f32(2, 3, 4), c(6, 4)], id="f32_const_shape"),
    Case("RESHAPE", [f32(2, 3, 4), c(-1, 2)], id="f32_minus1"),
    Case("RESHAPE", [f32(2, 3, 4)], {"new_shape": (24,)}, id="f32_attr_only"),
    Case("RESHAPE", [ints(1, 1), c(dtype=np.int32)], id="int32_to_scalar"),
    Case("RESHAPE", [bools(6), c(1, 2, 1, 3, 1)], id="bool_rank5"),
    Case(
        "RESHAPE", [ints(4, 2, dtype=np.int64), np.array([2, 4], np.int32)], id="int64_shape_input"
    ),
    Case("RESHAPE", [f32(0, 4), c(4, 0)], id="f32_empty"),
    Case("TRANSPOSE", [f32(3, 4), c(1, 0)], id="f32_2d"),
    Case("TRANSPOSE", [f32(2, 3, 4), c(2, 0, 1)], id="f32_3d"),
    Case("TRANSPOSE", [ints(2, 3, 4, 5), c(0, 3, 1, 2)], id="int32_4d"),
    Case("TRANSPOSE", [f32(2, 1, 3, 2, 2), c(4, 3, 2, 1, 0)], id="f32_5d"),
    Case("TRANSPOSE", [bools(2, 3), c(1, 0)], id="bool"),
    Case("TRANSPOSE", [ints(3, 2, dtype=np.int64), c(1, 0, dtype=np.int64)], id="int64_perm64"),
    Case("CONCATENATION", [f32(2, 3), f32(4, 3)], {"axis": 0}, id="f32_axis0"),
    Case("CONCATENATION", [f32(2, 3), f32(2, 1), f32(2, 2)], {"axis": 1}, id="f32_three"),
    Case("CONCATENATION", [f32(2, 3, 2), f32(2, 3, 1)], {"axis": -1}, id="f32_neg_axis"),
    Case("CONCATENATION", [ints(2, 3), Const(ints(2, 3))], {"axis": 1}, id="int32_const"),
    Case(
        "CONCATENATION", [ints(3, dtype=np.int64), ints(2, dtype=np.int64)], {"axis": 0}, id="int64"
    ),
    Case("CONCATENATION", [bools(1, 2), bools(3, 2)], {"axis": 0}, id="bool"),
    Case("CONCATENATION", [f32(2, 0), f32(2, 3)], {"axis": 1}, id="f32_empty_part"),
    Case(
        "CONCATENATION",
        [ints(2, 2, dtype=np.int8), ints(1, 2, dtype=np.int8)],
        {"axis": 0},
        id="int8",
    ),
    Case("SPLIT", [cs(0), f32(4, 3)], {"num_splits": 2}, id="f32_axis0"),
    Case("SPLIT", [cs(1), f32(2, 6, 2)], {"num_splits": 3}, id="f32_three"),
    Case("SPLIT", [cs(-1), ints(2, 4)], {"num_splits": 4}, id="int32_neg_axis"),
    Case("SPLIT", [cs(0), f32(3)], {"num_splits": 1}, id="f32_one"),
    Case("SPLIT_V", [f32(6, 2), c(1, 2, 3), cs(0)], {"num_splits": 3}, id="f32"),
    Case("SPLIT_V", [f32(2, 7), c(2, -1, 1), cs(1)], {"num_splits": 3}, id="f32_minus1"),
    Case("SPLIT_V", [ints(3, 5), c(4, 1), cs(-1)], {"num_splits": 2}, id="int32_neg_axis"),
    Case("PACK", [f32(2, 3), f32(2, 3), f32(2, 3)], {"axis": 0, "values_count": 3}, id="f32_axis0"),
    Case("PACK", [f32(2, 3), f32(2, 3)], {"axis": 1, "values_count": 2}, id="f32_axis1"),
    Case("PACK", [ints(2, 3), ints(2, 3)], {"axis": -1, "values_count": 2}, id="int32_neg"),
    Case("PACK", [f32(), f32()], {"axis": 0, "values_count": 2}, id="f32_scalars"),
    Case("PACK", [ints(4, dtype=np.int64)], {"axis": 0, "values_count": 1}, id="int64_one"),
    Case("UNPACK", [f32(3, 4)], {"num": 3, "axis": 0}, id="f32_axis0"),
    Case("UNPACK", [f32(2, 3, 4)], {"num": 3, "axis": 1}, id="f32_axis1"),
    Case("UNPACK", [ints(2, 5)], {"num": 5, "axis": -1}, id="int32_neg"),
    Case("UNPACK", [bools(2, 2)], {"num": 2, "axis": 0}, id="bool"),
    Case("SLICE", [f32(4, 5), c(1, 2), c(2, 3)], id="f32"),
    Case("SLICE", [f32(4, 5, 3), c(0, 1, 1), c(-1, 3, -1)], id="f32_minus1"),
    Case("SLICE", [ints(6), c(2, dtype=np.int64), c(3, dtype=np.int64)], id="int32_int64_args"),
    Case(
        "SLICE",
        [f32(3, 4), np.array([1, 0], np.int32), np.array([2, 4], np.int32)],
        id="f32_dynamic",
    ),
    Case("SLICE", [f32(1, 2, 3, 2, 2), c(0, 1, 1, 0, 1), c(1, 1, 2, 2, 1)], id="f32_rank5"),
    Case("SLICE", [f32(3, 4), c(1, 0), c(0, 4)], id="f32_empty"),
]

# STRIDED_SLICE: (shape, begin, end, strides, attrs, label)
STRIDED = [
    ((5, 6), (1, 0), (4, 6), (1, 2), {}, "basic"),
    ((5, 6), (4, 5), (0, 0), (-1, -2), {}, "negative_stride"),
    ((5, 6), (-3, -1), (-1, -6), (1, -1), {}, "negative_indices"),
    ((5, 6), (2, 1), (4, 3), (1, 1), {"begin_mask": 1, "end_mask": 2}, "masks"),
    ((5, 6), (2, 0), (3, 6), (1, 1), {"shrink_axis_mask": 1}, "shrink"),
    ((5, 6), (-1, 2), (0, 3), (1, 1), {"shrink_axis_mask": 3}, "shrink_all"),
    ((2, 3, 4), (0, 1), (0, 3), (1, 1), {"ellipsis_mask": 1}, "ellipsis"),
    ((2, 3, 4), (1, 0, 0), (2, 0, 3), (1, 1, 1), {"ellipsis_mask": 2}, "ellipsis_mid"),
    ((3, 4), (0, 0, 1), (3, 0, 3), (1, 1, 1), {"new_axis_mask": 2}, "new_axis"),
    ((4, 6), (1, 2), (2, 3), (1, 1), {"offset": True}, "offset"),
    ((4, 6), (1,), (3,), (1,), {}, "short_spec"),
    ((2, 3, 4, 5), (0, 1, 0, 1), (2, 3, 4, 5), (1, 1, 2, 2), {}, "rank4"),
    ((2, 2, 3, 4, 5), (0, 0, 1, 0, 1), (2, 2, 3, 4, 5), (1, 2, 1, 3, 2), {}, "rank5"),
    ((5, 6), (7, 0), (9, 6), (1, 1), {}, "out_of_range_empty"),
]
for shape, b, e, s, attrs, label in STRIDED:
    CASES.append(
        Case("STRIDED_SLICE", [f32(*shape), c(*b), c(*e), c(*s)], attrs, id=f"f32_{label}")
    )
CASES += [
    Case("STRIDED_SLICE", [ints(6, 4), c(1, 0), c(5, 4), c(2, 1)], id="int32"),
    Case("STRIDED_SLICE", [bools(6), c(5), c(0), c(-2)], id="bool"),
]

CASES += [
    Case("GATHER", [f32(5, 3), c(4, 0, 2)], {"axis": 0}, id="f32_axis0"),
    Case("GATHER", [f32(3, 5, 2), c(1, 1, 4, 0)], {"axis": 1}, id="f32_axis1"),
    Case("GATHER", [f32(3, 5), c(2, 0, dtype=np.int64)], {"axis": -1}, id="f32_neg_axis_int64"),
    Case("GATHER", [f32(4, 3), cs(2)], {"axis": 0}, id="f32_scalar_index"),
    Case(
        "GATHER",
        [ints(4, 3), np.array([[0, 3], [2, 2]], np.int32)],
        {"axis": 0},
        id="int32_2d_indices",
    ),
    Case(
        "GATHER",
        [f32(2, 4, 3), np.array([[0, 3], [1, 2]], np.int32)],
        {"axis": 1, "batch_dims": 1},
        id="f32_batch_dims",
    ),
    Case(
        "GATHER",
        [ints(2, 3, 5, dtype=np.int64), ints(2, 3, 2, lo=0, hi=5)],
        {"axis": 2, "batch_dims": 2},
        id="int64_batch_dims2",
    ),
    Case("GATHER", [bools(5), c(1, 3)], {"axis": 0}, id="bool"),
    Case("GATHER", [f32(4, 3), c(dtype=np.int32)], {"axis": 0}, id="f32_no_indices"),
    Case("GATHER_ND", [f32(4, 3), np.array([[1], [3]], np.int32)], id="f32_rows"),
    Case("GATHER_ND", [f32(4, 3), np.array([[1, 2], [3, 0], [0, 0]], np.int32)], id="f32_elements"),
    Case(
        "GATHER_ND", [ints(2, 3, 4), np.array([[[0, 1]], [[1, 2]]], np.int64)], id="int32_batched"
    ),
    Case("GATHER_ND", [f32(3, 2, 2), np.array([1, 0], np.int32)], id="f32_single"),
    Case("SQUEEZE", [f32(1, 3, 1, 2)], {"squeeze_dims": (0,)}, id="f32_dim0"),
    Case("SQUEEZE", [f32(1, 3, 1, 2)], {"squeeze_dims": (-2, 0)}, id="f32_neg"),
    Case("SQUEEZE", [ints(1, 3, 1, 2)], {}, id="int32_all"),
    Case("SQUEEZE", [f32(1, 1)], {}, id="f32_to_scalar"),
    Case("EXPAND_DIMS", [f32(3, 4), cs(0)], id="f32_axis0"),
    Case("EXPAND_DIMS", [f32(3, 4), cs(-1)], id="f32_axis_neg"),
    Case("EXPAND_DIMS", [ints(3, 4), cs(1, np.int64)], id="int32_axis_int64"),
    Case("EXPAND_DIMS", [f32(), cs(0)], id="f32_scalar"),
    Case("EXPAND_DIMS", [bools(2, 2), np.array([1], np.int32)], id="bool_axis_input"),
]

PADS = [((3, 4), ((1, 2), (0, 1))), ((1, 3, 3, 2), ((0, 0), (1, 1), (2, 0), (0, 1)))]
for shape, pads in PADS:
    rank = len(shape)
    CASES.append(Case("PAD", [f32(*shape), Const(np.array(pads, np.int32))], id=f"f32_rank{rank}"))
    CASES.append(
        Case(
            "PADV2",
            [f32(*shape), Const(np.array(pads, np.int32)), Const(np.array(1.5, np.float32))],
            id=f"f32_rank{rank}",
        )
    )
    for mode in ("REFLECT", "SYMMETRIC"):
        CASES.append(
            Case(
                "MIRROR_PAD",
                [f32(*shape), Const(np.array(pads, np.int32))],
                {"mode": mode},
                id=f"f32_{mode}_rank{rank}",
            )
        )
CASES += [
    Case("PAD", [ints(3), Const(np.array([[2, 1]], np.int64))], id="int32_pads64"),
    Case(
        "PAD", [ints(2, 2, dtype=np.int64), Const(np.array([[1, 0], [0, 2]], np.int32))], id="int64"
    ),
    Case("PAD", [f32(), Const(np.zeros((0, 2), np.int32))], id="f32_scalar"),
    Case("PAD", [f32(2, 1, 2, 1, 2), Const(np.array([[0, 1]] * 5, np.int32))], id="f32_rank5"),
    Case("PAD", [f32(2, 3), np.array([[1, 1], [0, 2]], np.int32)], id="f32_dynamic_pads"),
    Case(
        "PADV2",
        [ints(2, 3), Const(np.array([[0, 1], [1, 1]], np.int32)), Const(np.array([7], np.int32))],
        id="int32",
    ),
    Case(
        "PADV2",
        [
            ints(4, dtype=np.int64),
            Const(np.array([[1, 1]], np.int32)),
            Const(np.array(-3, np.int64)),
        ],
        id="int64",
    ),
    Case(
        "MIRROR_PAD",
        [ints(3, 4), Const(np.array([[2, 2], [3, 3]], np.int32))],
        {"mode": "REFLECT"},
        id="int32_REFLECT_max",
    ),
    Case(
        "MIRROR_PAD",
        [ints(3, 4), Const(np.array([[3, 3], [4, 4]], np.int32))],
        {"mode": "SYMMETRIC"},
        id="int32_SYMMETRIC_max",
    ),
    Case("TILE", [f32(2, 3), c(2, 1)], id="f32"),
    Case("TILE", [ints(2, 1, 2), c(1, 3, 2, dtype=np.int64)], id="int32_mult64"),
    Case("TILE", [bools(3), c(2)], id="bool"),
    Case("TILE", [ints(2, 2, dtype=np.int64), c(2, 2)], id="int64"),
    Case("TILE", [f32(2, 3), np.array([1, 2], np.int32)], id="f32_dynamic"),
    # LiteRT registers BROADCAST_TO from version 2 (version 1 was the Select-TF form).
    Case("BROADCAST_TO", [f32(3), c(2, 3)], version=2, id="f32"),
    Case("BROADCAST_TO", [f32(2, 1), c(3, 2, 4, dtype=np.int64)], version=2, id="f32_shape64"),
    Case("BROADCAST_TO", [ints(1, 1), c(2, 2)], version=2, id="int32"),
    Case("BROADCAST_TO", [bools(1), c(4)], version=2, id="bool"),
    Case("BROADCAST_TO", [f32(), c(2, 1, 3)], version=2, id="f32_scalar"),
    Case("SHAPE", [f32(2, 3, 4)], {"out_type": "INT32"}, id="f32_int32"),
    Case("SHAPE", [ints(5)], {"out_type": "INT64"}, id="int32_int64"),
    Case("ZEROS_LIKE", [f32(2, 3)], id="f32"),
    Case("ZEROS_LIKE", [ints(4)], id="int32"),
    Case("ZEROS_LIKE", [ints(2, 2, dtype=np.int64)], id="int64"),
    Case("FILL", [c(2, 3), Const(np.array(1.5, np.float32))], id="f32"),
    Case("FILL", [c(4, dtype=np.int64), np.array(7, np.int32)], id="int32_dims64"),
    Case("FILL", [c(2, 2), Const(np.array(-5, np.int64))], id="int64"),
    Case("FILL", [c(3), Const(np.array(True))], id="bool"),
    Case("FILL", [np.array([2, 1], np.int32), np.array(2.5, np.float32)], id="f32_dynamic"),
    Case("FILL", [c(dtype=np.int32), Const(np.array(3.0, np.float32))], id="f32_scalar"),
]

CASTS = [  # (input, output type name)
    (f32(3, 4, lo=-10, hi=10), "INT32"),
    (f32(3, 4, lo=-10, hi=10), "INT64"),
    (f32(6, lo=0, hi=250), "UINT8"),
    (np.array([0.0, -1.5, 2.0, 0.0], np.float32), "BOOL"),
    (ints(3, 4), "FLOAT32"),
    (ints(3, 4), "INT64"),
    (ints(5, lo=-200, hi=200), "UINT8"),
    (ints(5, lo=-200, hi=200), "INT8"),
    (ints(5, lo=-2, hi=3), "BOOL"),
    (ints(3, dtype=np.int64), "INT32"),
    (ints(3, dtype=np.int64), "FLOAT32"),
    (bools(4), "FLOAT32"),
    (bools(4), "INT32"),
    (ints(4, lo=0, hi=255, dtype=np.uint8), "FLOAT32"),
    (ints(4, lo=0, hi=255, dtype=np.uint8), "INT32"),
    (ints(4, lo=-100, hi=100, dtype=np.int8), "FLOAT32"),
    (f32(), "INT32"),
]
# Out-of-range floats, infinities and NaN saturate in LiteRT (NaN to the maximum).
EDGES = np.array([1.7, -1.7, 3e9, np.nan, -3e9, np.inf, -np.inf, 300.5, -300.5, 2.5e19, -0.0])
for out in ("INT32", "INT8", "UINT8", "INT16", "INT64", "UINT32", "UINT16"):
    CASTS.append((EDGES.astype(np.float32), out))
CASTS.append((EDGES, "INT32"))
for x, out in CASTS:
    src = np.dtype(x.dtype).name
    attrs = {"in_data_type": src.upper(), "out_data_type": out}
    suffix = "_scalar" if x.ndim == 0 else ""
    suffix += "_edges" if x.size == EDGES.size else ""
    CASES.append(Case("CAST", [x], attrs, id=f"{src}_to_{out.lower()}{suffix}"))

CASES += [
    Case("RANGE", [cs(0), cs(10), cs(3)], id="int32"),
    Case("RANGE", [cs(10), cs(-4), cs(-3)], id="int32_negative_delta"),
    Case(
        "RANGE",
        [np.array(1, np.int32), np.array(6, np.int32), np.array(1, np.int32)],
        id="int32_inputs",
    ),
    Case(
        "RANGE",
        [
            Const(np.array(0.5, np.float32)),
            Const(np.array(3.2, np.float32)),
            Const(np.array(0.3, np.float32)),
        ],
        id="f32",
    ),
    Case(
        "RANGE",
        [np.array(2.0, np.float32), np.array(-1.0, np.float32), np.array(-0.7, np.float32)],
        id="f32_inputs_negative",
    ),
    Case("RANGE", [cs(2, np.int64), cs(9, np.int64), cs(2, np.int64)], id="int64"),
    Case("SPACE_TO_DEPTH", [f32(1, 4, 6, 2)], {"block_size": 2}, id="f32"),
    Case("SPACE_TO_DEPTH", [ints(2, 6, 3, 1)], {"block_size": 3}, id="int32"),
    Case("SPACE_TO_DEPTH", [ints(1, 2, 2, 3, dtype=np.int64)], {"block_size": 2}, id="int64"),
    Case("DEPTH_TO_SPACE", [f32(1, 2, 3, 8)], {"block_size": 2}, id="f32"),
    Case("DEPTH_TO_SPACE", [ints(2, 1, 2, 9)], {"block_size": 3}, id="int32"),
    Case("DEPTH_TO_SPACE", [ints(1, 2, 2, 4, dtype=np.int64)], {"block_size": 2}, id="int64"),
    Case(
        "SPACE_TO_BATCH_ND", [f32(1, 4, 4, 2), c(2, 2), Const(np.zeros((2, 2), np.int32))], id="f32"
    ),
    Case(
        "SPACE_TO_BATCH_ND",
        [f32(2, 3, 5, 1), c(2, 3), Const(np.array([[1, 0], [0, 1]], np.int32))],
        id="f32_padded",
    ),
    Case(
        "SPACE_TO_BATCH_ND",
        [ints(1, 4, 3), c(2), Const(np.array([[0, 2]], np.int32))],
        id="int32_3d",
    ),
    Case(
        "BATCH_TO_SPACE_ND", [f32(4, 2, 2, 2), c(2, 2), Const(np.zeros((2, 2), np.int32))], id="f32"
    ),
    Case(
        "BATCH_TO_SPACE_ND",
        [f32(12, 2, 2, 1), c(2, 3), Const(np.array([[1, 0], [0, 2]], np.int32))],
        id="f32_cropped",
    ),
    Case(
        "BATCH_TO_SPACE_ND",
        [ints(4, 3, 2), c(2), Const(np.array([[1, 1]], np.int32))],
        id="int32_3d",
    ),
    Case("REVERSE_V2", [f32(3, 4), c(0)], id="f32_axis0"),
    Case("REVERSE_V2", [f32(2, 3, 4), c(-1)], id="f32_neg_axis"),
    Case("REVERSE_V2", [ints(2, 3, 4), c(1)], id="int32_mid"),
    Case("REVERSE_V2", [f32(6), c(0)], id="f32_rank1"),
    Case("REVERSE_V2", [bools(3, 2), c(0)], id="bool"),
    Case("REVERSE_V2", [f32(2, 3, 4), c(1, 2)], id="f32_two_axes"),
]

# Only the ops whose LiteRT kernels take strings.
words = np.array([b"x", b"yy", b"", b"zzz", b"w", b"vv"], dtype=object)
CASES += [
    Case("RESHAPE", [words, c(2, 3)], id="string"),
    Case("GATHER", [words, c(3, 0, 3)], {"axis": 0}, id="string"),
    Case("SLICE", [words.reshape(2, 3), c(0, 1), c(2, 2)], id="string"),
    Case("TILE", [words.reshape(3, 2), c(2, 1)], id="string"),
    Case("FILL", [c(2, 2), Const(np.array(b"ab", dtype=object))], id="string"),
    Case("EXPAND_DIMS", [words, cs(0)], id="string"),
    Case("SQUEEZE", [words.reshape(1, 6)], {"squeeze_dims": (0,)}, id="string"),
    Case("STRIDED_SLICE", [words, c(1), c(6), c(2)], id="string"),
    Case("GATHER_ND", [words.reshape(3, 2), np.array([[2, 1], [0, 0]], np.int32)], id="string"),
]
