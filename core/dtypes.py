"""Tensor element types: every TFLite ``TensorType`` with its name and numpy equivalent.

``sl.float32``, ``sl.string`` … are :class:`DType` objects. Strings are held at run time as numpy
object arrays of ``bytes``; RESOURCE and VARIANT tensors hold opaque handles (object arrays).
Types without a numpy equivalent (INT4, BFLOAT16, …) can be read and written in a model but
raise :class:`DTypeError` when something needs their numpy dtype.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import DTypeError


@dataclass(frozen=True)
class DType:
    """One TFLite tensor type."""

    name: str  # TF-style lower case name: "float32", "string", "bool"
    code: int  # TFLite TensorType value
    _numpy: Any  # numpy scalar type, or None when numpy has none

    @property
    def tflite_name(self) -> str:
        """The schema's enum name, e.g. ``FLOAT32``."""
        return self.name.upper()

    @property
    def numpy(self) -> np.dtype:
        """The numpy dtype used for values of this type at run time."""
        if self._numpy is None:
            raise DTypeError(f"tensor type {self.tflite_name} has no numpy equivalent")
        return np.dtype(self._numpy)

    @property
    def as_numpy_dtype(self) -> type:
        """The numpy scalar type, as TensorFlow's ``DType.as_numpy_dtype``."""
        return self.numpy.type

    @property
    def details_dtype(self) -> type:
        """The dtype LiteRT reports in tensor-details dicts (``np.bytes_`` for strings)."""
        if self is string:
            return np.bytes_
        return self.numpy.type

    @property
    def itemsize(self) -> int:
        """Bytes per element in a flat buffer (0 for variable-length or opaque types)."""
        if self._numpy is None or self.name in ("string", "resource", "variant"):
            return _PACKED_SIZES.get(self.name, 0)
        return self.numpy.itemsize

    @property
    def is_floating(self) -> bool:
        return self.name in ("float16", "float32", "float64", "bfloat16")

    @property
    def is_integer(self) -> bool:
        return self.name.startswith(("int", "uint"))

    @property
    def is_quantizable(self) -> bool:
        return self.name in ("int8", "uint8", "int16", "int4", "int32")

    def __repr__(self) -> str:
        return f"sl.{self.name}"


float32 = DType("float32", 0, np.float32)
float16 = DType("float16", 1, np.float16)
int32 = DType("int32", 2, np.int32)
uint8 = DType("uint8", 3, np.uint8)
int64 = DType("int64", 4, np.int64)
string = DType("string", 5, np.object_)
bool_ = DType("bool", 6, np.bool_)
int16 = DType("int16", 7, np.int16)
complex64 = DType("complex64", 8, np.complex64)
int8 = DType("int8", 9, np.int8)
float64 = DType("float64", 10, np.float64)
complex128 = DType("complex128", 11, np.complex128)
uint64 = DType("uint64", 12, np.uint64)
resource = DType("resource", 13, np.object_)
variant = DType("variant", 14, np.object_)
uint32 = DType("uint32", 15, np.uint32)
uint16 = DType("uint16", 16, np.uint16)
int4 = DType("int4", 17, None)
bfloat16 = DType("bfloat16", 18, None)
int2 = DType("int2", 19, None)
uint4 = DType("uint4", 20, None)
float8_e4m3fn = DType("float8_e4m3fn", 21, None)
float8_e5m2 = DType("float8_e5m2", 22, None)

ALL: tuple[DType, ...] = (
    float32, float16, int32, uint8, int64, string, bool_, int16, complex64, int8, float64,
    complex128, uint64, resource, variant, uint32, uint16, int4, bfloat16, int2, uint4,
    float8_e4m3fn, float8_e5m2,
)  # fmt: skip

# Packed element sizes in bytes for types numpy lacks (sub-byte types round up per tensor).
_PACKED_SIZES = {"bfloat16": 2, "float8_e4m3fn": 1, "float8_e5m2": 1, "resource": 4}

_BY_CODE = {d.code: d for d in ALL}
_BY_NAME = {d.name: d for d in ALL} | {d.tflite_name: d for d in ALL} | {"bool_": bool_}
_BY_NUMPY = {
    np.dtype(d._numpy): d for d in ALL if d._numpy is not None and d._numpy is not np.object_
}


def from_code(code: int) -> DType:
    """The DType for a TFLite ``TensorType`` value."""
    try:
        return _BY_CODE[int(code)]
    except (KeyError, TypeError, ValueError):
        raise DTypeError(f"unknown TFLite tensor type code {code!r}") from None


def as_dtype(value: Any) -> DType:
    """Coerce a DType, name (``"float32"``/``"FLOAT32"``), numpy dtype or Python type."""
    if isinstance(value, DType):
        return value
    if value is None:  # numpy would read None as float64
        raise DTypeError("cannot interpret None as a tensor type")
    if isinstance(value, str) and value in _BY_NAME:
        return _BY_NAME[value]
    if value in (bytes, str, np.bytes_, np.str_):
        return string
    if value is bool:
        return bool_
    if value is float:
        return float32
    if value is int:
        return int32
    try:
        npd = np.dtype(value)
    except TypeError:
        raise DTypeError(f"cannot interpret {value!r} as a tensor type") from None
    if npd.kind in ("S", "U", "O"):
        return string
    if not npd.isnative:  # a big-endian float32 is still float32
        npd = npd.newbyteorder("=")
    if npd in _BY_NUMPY:
        return _BY_NUMPY[npd]
    raise DTypeError(f"numpy dtype {npd} has no TFLite tensor type")
