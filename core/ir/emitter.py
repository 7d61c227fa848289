"""Shared machinery for importers that build one subgraph node by node.

:class:`GraphEmitter` holds the subgraph being built: unique tensor names, constants shared by
content, and nodes appended with given or schema-inferred output types. The plain functions
below (transpose, reshape, cast, layout changes, axis arithmetic) work with any emitter and fold
constant inputs right away instead of emitting nodes for them.

Frontends subclass :class:`GraphEmitter` for their own state (value maps, error wording, how
their constant values become numpy arrays).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..dtypes import DType, as_dtype
from ..errors import InvalidModelError, UnsupportedOpError
from .graph import Node, Subgraph, Tensor, unique_name

NCHW_TO_NHWC = (0, 2, 3, 1)
NHWC_TO_NCHW = (0, 3, 1, 2)

# (dtype, shape signature with -1 for dynamic dims): the type of one node output
OutType = tuple[Any, Sequence[int]]
# (dtype string, shape, bytes): identifies a constant array by its content
ArrayKey = tuple[str, tuple[int, ...], bytes]


def concrete(sig: Sequence[int]) -> tuple[int, ...]:
    """A concrete shape for a shape signature (dynamic dims become 1)."""
    return tuple(1 if d < 0 else int(d) for d in sig)


def array_key(arr: np.ndarray) -> ArrayKey:
    """A hashable key equal for arrays of equal dtype, shape and content."""
    return (arr.dtype.str, arr.shape, arr.tobytes())


class GraphEmitter:
    """Appends tensors and nodes to one :class:`Subgraph` while a source graph is imported.

    ``arrays`` (optional) maps content keys to arrays and may be shared by the emitters of
    several subgraphs, so that equal constants everywhere are one array object, which the
    writer stores once.
    """

    #: constants with more elements than this are not looked up by content (``None``: all
    #: are); hashing every large weight costs time when the source already names them once
    share_limit: int | None = None
    #: the base name of a tensor asked for with an empty name
    empty_name = "t"

    def __init__(self, subgraph: Subgraph, arrays: dict[ArrayKey, np.ndarray] | None = None):
        self.sg = subgraph
        self._names: set[str] = set()
        self._arrays = arrays
        self._const_cache: dict[ArrayKey, Tensor] = {}

    # -- names and tensors -----------------------------------------------------------------------
    def unique(self, name: str) -> str:
        """``name``, or ``name_<n>`` when taken, reserved for a new tensor."""
        return unique_name(name or self.empty_name, self._names)

    def rename(self, t: Tensor, name: str) -> None:
        """Give tensor ``t`` the (made unique) name ``name``, freeing its old one."""
        self._names.discard(t.name)
        t.name = self.unique(name)

    def new_tensor(
        self, name: str, dtype: Any, sig: Sequence[int], data: np.ndarray | None = None
    ) -> Tensor:
        """A new tensor of the subgraph; ``-1`` dims are dynamic (shape 1)."""
        sig = tuple(int(d) for d in sig)
        t = Tensor(self.unique(name), as_dtype(dtype), concrete(sig), sig, data)
        return self.sg.add_tensor(t)

    # -- constants -------------------------------------------------------------------------------
    def const_array(self, value: Any, dtype: np.dtype | None, name: str) -> np.ndarray:
        """``value`` as the array a constant named ``name`` holds.

        Frontends override this to convert their own value types and to reject values that a
        constant cannot hold.
        """
        return np.asarray(value, dtype)

    def const_dtype(self, dtype: DType) -> DType:
        """The dtype :meth:`const_array` stores values of ``dtype`` in (the same by default)."""
        return dtype

    def const(self, value: Any, name: str = "const", dtype: Any = None) -> Tensor:
        """A constant tensor; constants of equal content share one tensor in the subgraph."""
        arr = self.const_array(value, None if dtype is None else as_dtype(dtype).numpy, name)
        key = None
        if self.share_limit is None or arr.size <= self.share_limit:
            key = array_key(arr)
            cached = self._const_cache.get(key)
            if cached is not None:
                return cached
        if not arr.flags.c_contiguous:
            arr = arr.copy(order="C")  # (np.ascontiguousarray would turn 0-d into 1-d)
        if key is not None and self._arrays is not None:
            arr = self._arrays.setdefault(key, arr)
        t = self.new_tensor(name, as_dtype(arr.dtype), arr.shape, data=arr)
        if key is not None:
            self._const_cache[key] = t
        return t

    def ints(self, values: Sequence[int], name: str = "shape") -> Tensor:
        """A constant int32 vector (shapes, permutations, axes)."""
        return self.const(np.array(list(values), np.int32).reshape(-1), name)

    def scalar(self, value: Any, dtype: DType) -> Tensor:
        """A constant 0-d tensor of ``dtype``."""
        return self.const(np.array(value, dtype.numpy), "scalar")

    # -- nodes -----------------------------------------------------------------------------------
    def op(
        self,
        op: str,
        inputs: Sequence[Tensor | None],
        out: OutType | None = None,
        name: str | None = None,
        **attrs: Any,
    ) -> Tensor:
        """Append a one-output node; its type is ``out`` or the op schema's inference."""
        return self.op_multi(op, inputs, None if out is None else [out], name, **attrs)[0]

    def op_multi(
        self,
        op: str,
        inputs: Sequence[Tensor | None],
        outs: Sequence[OutType] | None = None,
        name: str | None = None,
        **attrs: Any,
    ) -> list[Tensor]:
        """Append a node with several outputs (types given, or inferred by the op schema)."""
        if outs is None:
            from ..ops.registry import get_op

            infer = get_op(op).infer
            if infer is None:
                raise InvalidModelError(f"{op} has no shape rule: give its output types")
            outs = infer(list(inputs), attrs)
        base = name or op.lower()
        tensors = [
            self.new_tensor(base if len(outs) == 1 else f"{base}_{i}", d, s)
            for i, (d, s) in enumerate(outs)
        ]
        # the writer raises the version to the schema's min_version where LiteRT needs it
        self.sg.nodes.append(Node(op, list(inputs), tensors, dict(attrs)))
        return tensors


# -- shape and layout helpers ----------------------------------------------------------------------
def sig(t: Tensor) -> tuple[int, ...]:
    """The shape signature of ``t`` (-1 for dynamic dims)."""
    return t.signature_shape


def is_static(t: Tensor) -> bool:
    """Whether every dim of ``t`` is known."""
    return all(d >= 0 for d in sig(t))


def transpose(
    em: GraphEmitter,
    x: Tensor,
    perm: Sequence[int],
    name: str = "transpose",
    *,
    out: OutType | None = None,
) -> Tensor:
    """TRANSPOSE ``x`` by ``perm``; ``out`` is the result type when the caller knows it.

    Without ``out``, an identity permutation returns ``x`` and a constant is permuted now.
    """
    perm = tuple(int(p) for p in perm)
    if out is None:
        if perm == tuple(range(len(perm))):
            return x
        if x.data is not None:
            return em.const(np.transpose(x.data, perm), name)
        out = (x.dtype, tuple(sig(x)[p] for p in perm))
    return em.op("TRANSPOSE", [x, em.ints(perm, "perm")], out, name)


def to_nhwc(em: GraphEmitter, x: Tensor) -> Tensor:
    """``x`` (NCHW) transposed to NHWC, the layout of TFLite image ops."""
    return transpose(em, x, NCHW_TO_NHWC, "to_nhwc")


def to_nchw(
    em: GraphEmitter, x: Tensor, out: OutType | None = None, name: str = "to_nchw"
) -> Tensor:
    """``x`` (NHWC) transposed back to NCHW; ``out`` is the result type when known."""
    return transpose(em, x, NHWC_TO_NCHW, name, out=out)


def reshape_sig(in_sig: Sequence[int], target: Sequence[int]) -> tuple[int, ...]:
    """The output signature of reshaping ``in_sig`` to ``target``: a -1 in ``target`` is
    resolved when every input dim is known (the RESHAPE schema's rule)."""
    from ..ops.schemas.shapes import resolve_reshape

    return resolve_reshape(in_sig, target)


def reshape(
    em: GraphEmitter,
    x: Tensor,
    shape: Sequence[int],
    name: str = "reshape",
    *,
    out: OutType | None = None,
) -> Tensor:
    """RESHAPE ``x`` to the constant ``shape`` (at most one -1 unless ``out`` is given).

    A constant is reshaped now; a reshape that keeps the signature returns ``x``.
    """
    shape = tuple(int(d) for d in shape)
    if x.data is not None:
        return em.const(x.data.reshape(shape), name)
    if out is None:
        if shape.count(-1) > 1:
            raise UnsupportedOpError(f"reshape of %{x.name} to {shape}: more than one unknown dim")
        out = (x.dtype, reshape_sig(sig(x), shape))
    if tuple(out[1]) == sig(x) and sum(d < 0 for d in out[1]) <= 1:
        return x
    return em.op("RESHAPE", [x, em.ints(shape)], out, name, new_shape=shape)


def cast(em: GraphEmitter, x: Tensor, dtype: DType, name: str = "cast") -> Tensor:
    """``x`` as ``dtype``: the same tensor, a converted constant, or a CAST node."""
    if x.dtype == dtype:
        return x
    if x.data is not None and em.const_dtype(dtype) == dtype:
        return em.const(x.data.astype(dtype.numpy), name)
    return em.op(
        "CAST",
        [x],
        (dtype, sig(x)),
        name,
        in_data_type=x.dtype.tflite_name,
        out_data_type=dtype.tflite_name,
    )


def normalize_axis(
    axis: int, rank: int, fail: Callable[[str], Exception], *, scalar_as_vector: bool = False
) -> int:
    """``axis`` in ``[0, rank)`` (negative axes count from the end).

    ``fail(message)`` makes the error raised for an axis out of range. ``scalar_as_vector``:
    a 0-d tensor takes the axes of a 1-d one (-1 and 0), as torch's ``dim`` arguments do.
    """
    high = max(rank, 1)
    if not (-high if scalar_as_vector else -rank) <= axis < high:
        raise fail(f"axis {axis} out of range for rank {rank}")
    return axis % rank if rank else 0
