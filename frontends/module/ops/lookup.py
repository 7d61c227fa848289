"""``sl.lookup``: static hash tables (HASHTABLE ops, filled by a CALL_ONCE initializer)."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from siglite.dtypes import DType, as_dtype
from siglite.errors import SigliteError

from ..graph import SymbolicTensor, Trace, as_ir, const_array, current_trace, default_dtype

_ids = itertools.count(1)
# The key -> value dtypes TFLite's HASHTABLE kernels accept.
_BUILTIN_PAIRS = (("string", "int64"), ("int64", "string"))


class KeyValueTensorInitializer:
    """The keys and values a :class:`StaticHashTable` starts with."""

    def __init__(self, keys: Any, values: Any, key_dtype: Any = None, value_dtype: Any = None):
        self.key_dtype: DType = as_dtype(key_dtype) if key_dtype else default_dtype(keys)
        self.value_dtype: DType = as_dtype(value_dtype) if value_dtype else default_dtype(values)
        self.keys = const_array(keys, self.key_dtype).reshape(-1)
        self.values = const_array(values, self.value_dtype).reshape(-1)
        if self.keys.shape != self.values.shape:
            raise SigliteError(
                f"KeyValueTensorInitializer: {self.keys.size} keys but {self.values.size} values"
            )


class StaticHashTable:
    """An immutable key -> value table; missing keys give ``default_value``."""

    def __init__(self, initializer: KeyValueTensorInitializer, default_value: Any, name=None):
        self.initializer = initializer
        self.key_dtype = initializer.key_dtype
        self.value_dtype = initializer.value_dtype
        self.default_value = const_array(default_value, self.value_dtype)
        self.name = name or "hash_table"
        self.table_id = next(_ids)

    def _handle(self, trace: Trace) -> Any:
        pair = (self.key_dtype.name, self.value_dtype.name)
        if pair not in _BUILTIN_PAIRS:
            raise SigliteError(
                f"StaticHashTable {self.name!r} maps {pair[0]} to {pair[1]}; TFLite hash tables "
                "map string to int64 or int64 to string: give the initializer key_dtype= / "
                "value_dtype= (e.g. value_dtype=sl.int64)"
            )
        trace.root.tables[self.table_id] = self
        cache = trace.__dict__.setdefault("_tables", {})
        if self.table_id not in cache:
            cache[self.table_id] = emit_table_handle(trace, self)
        return cache[self.table_id]

    def lookup(self, keys: Any, name: str | None = None) -> Any:
        """The value of each key (HASHTABLE_FIND)."""
        trace = current_trace()
        if trace is None:
            return self._lookup_now(keys)
        handle = self._handle(trace)
        k = as_ir(keys, trace, self.key_dtype)
        d = as_ir(self.default_value, trace, self.value_dtype)
        out = trace.builder.op("HASHTABLE_FIND", handle, k, d, name=name or "lookup")
        return SymbolicTensor(trace, out)

    def size(self, name: str | None = None) -> Any:
        """The number of entries, an int64 scalar (HASHTABLE_SIZE)."""
        trace = current_trace()
        if trace is None:
            return np.asarray(len(set(self.initializer.keys.tolist())), np.int64)
        out = trace.builder.op("HASHTABLE_SIZE", self._handle(trace), name=name or "size")
        from .array import reshape

        return reshape(SymbolicTensor(trace, out), [])

    def _lookup_now(self, keys: Any) -> np.ndarray:
        table = dict(
            zip(self.initializer.keys.tolist(), self.initializer.values.tolist(), strict=True)
        )
        arr = const_array(keys, self.key_dtype)
        default = self.default_value.item() if self.default_value.size == 1 else None
        flat = [table.get(k, default) for k in arr.reshape(-1).tolist()]
        return const_array(flat, self.value_dtype).reshape(arr.shape)


def emit_table_handle(trace: Trace, table: StaticHashTable) -> Any:
    """A HASHTABLE node giving ``table``'s handle in ``trace``."""
    from siglite.dtypes import resource

    return trace.builder.op(
        "HASHTABLE",
        outputs=[(resource, ())],
        name=f"{table.name}_handle",
        table_id=table.table_id,
        key_dtype=table.key_dtype.tflite_name,
        value_dtype=table.value_dtype.tflite_name,
    )
