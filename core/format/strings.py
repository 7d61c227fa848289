"""The TFLite string tensor buffer layout.

A string tensor's buffer holds, all little-endian int32: the number of strings ``N``, then
``N + 1`` offsets measured from the buffer start (the first is ``4 * (N + 2)``, the last is the
buffer length), then the strings' bytes back to back with no terminators.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import InvalidModelError

_I32 = np.dtype("<i4")


def decode_strings(buf: bytes | memoryview, shape: Sequence[int] = ()) -> np.ndarray:
    """Decode a string tensor buffer into an object array of ``bytes`` with ``shape``.

    Raises :class:`InvalidModelError` when the buffer is malformed or its string count does not
    match ``shape``.
    """
    data = memoryview(buf).cast("B")
    size = len(data)
    if size < 4:
        raise InvalidModelError(f"string buffer of {size} bytes is too short for its count")
    count = int(np.frombuffer(data, _I32, 1)[0])
    if count < 0 or 4 * (count + 2) > size:
        raise InvalidModelError(f"string buffer of {size} bytes cannot hold {count} strings")
    offsets = np.frombuffer(data, _I32, count + 1, 4).astype(np.int64)
    if offsets[0] < 4 * (count + 2) or offsets[-1] > size or np.any(np.diff(offsets) < 0):
        raise InvalidModelError(
            f"string buffer offsets are out of range or decreasing (buffer of {size} bytes)"
        )
    expected = _element_count(shape)
    if expected != count:
        raise InvalidModelError(
            f"string buffer holds {count} strings but the tensor shape {tuple(shape)} "
            f"needs {expected}"
        )
    raw = bytes(data)
    out = np.empty(count, dtype=object)
    bounds = offsets.tolist()
    for i in range(count):
        out[i] = raw[bounds[i] : bounds[i + 1]]
    return out.reshape(tuple(int(d) for d in shape))


def encode_strings(arr: Any) -> bytes:
    """Encode strings (``str`` as UTF-8, ``bytes``, numpy ``bytes_``/``str_``/object arrays)."""
    items = [_as_bytes(v) for v in np.asarray(arr, dtype=object).reshape(-1)]
    count = len(items)
    offsets = np.empty(count + 1, dtype=np.int64)
    offsets[0] = 4 * (count + 2)
    offsets[1:] = offsets[0] + np.cumsum([len(b) for b in items], dtype=np.int64)
    if offsets[-1] > np.iinfo(np.int32).max:
        raise InvalidModelError(f"{count} strings of {offsets[-1]} bytes exceed the 2 GiB limit")
    header = np.concatenate(([count], offsets)).astype(_I32).tobytes()
    return header + b"".join(items)


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value)
    if isinstance(value, (str, np.str_)):
        return str(value).encode("utf-8")
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise InvalidModelError(f"string tensor element {value!r} is neither str nor bytes")


def _element_count(shape: Sequence[int]) -> int:
    total = 1
    for d in shape:
        if int(d) < 0:
            raise InvalidModelError(f"string tensor shape {tuple(shape)} has a negative dimension")
        total *= int(d)
    return total
