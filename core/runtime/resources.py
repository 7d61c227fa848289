"""Per-interpreter state that outlives one invocation: resource variables, hash tables and the
status of ``CALL_ONCE`` initializers.

Every signature of one interpreter sees the same store, so a variable assigned by ``train`` is
read by ``infer``; separate interpreters never share it. Resource handles are represented at run
time as numpy object arrays holding a Python ``int`` id (see :func:`handle_array`): variable ids
come from ``(container, shared_name)``, hash-table ids are the op's ``table_id``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from ..dtypes import DType, as_dtype, from_code
from ..errors import ExecutionError


def handle_array(resource_id: int, shape: tuple[int, ...] = ()) -> np.ndarray:
    """A resource-handle value: an object array filled with the resource id."""
    out = np.empty(shape, dtype=object)
    out[...] = int(resource_id)
    return out


def handle_id(handle: Any) -> int:
    """The resource id held by a handle value (object or integer array, or a plain int)."""
    arr = np.asarray(handle)
    if arr.size == 0:
        raise ExecutionError("a resource handle tensor is empty")
    return int(arr.reshape(-1)[0])


def as_tensor_type(value: Any) -> DType:
    """A TensorType attribute (``"STRING"``, a DType, or the enum code) as a DType."""
    if isinstance(value, int) and not isinstance(value, bool):
        return from_code(value)
    return as_dtype(value)


class HashTable:
    """A static hash table: filled once by ``HASHTABLE_IMPORT``, then read-only."""

    def __init__(self, table_id: int, key_dtype: DType, value_dtype: DType) -> None:
        self.table_id = table_id
        self.key_dtype = key_dtype
        self.value_dtype = value_dtype
        self.data: dict[Any, Any] = {}
        self.initialized = False

    def import_(self, keys: np.ndarray, values: np.ndarray) -> None:
        # Like TFLite's static table, later imports are ignored: the converter may leave the
        # initializer graph in place, so the import node can run more than once.
        if self.initialized:
            return
        k, v = np.asarray(keys).reshape(-1), np.asarray(values).reshape(-1)
        if k.size != v.size:
            raise ExecutionError(
                f"hash table {self.table_id}: {k.size} keys but {v.size} values to import"
            )
        self.data = dict(zip(_scalars(k), _scalars(v), strict=True))
        self.initialized = True

    def find(self, keys: np.ndarray, default: np.ndarray) -> np.ndarray:
        k = np.asarray(keys)
        dflt = np.asarray(default).reshape(-1)
        if dflt.size == 0:
            raise ExecutionError(f"hash table {self.table_id}: the default value is empty")
        fallback = _scalars(dflt[:1])[0]
        found = [self.data.get(key, fallback) for key in _scalars(k.reshape(-1))]
        dt = self.value_dtype
        out = np.empty(len(found), dtype=object) if dt.name == "string" else None
        if out is not None:
            out[:] = found
        else:
            out = np.asarray(found, dtype=dt.numpy)
        return out.reshape(k.shape)


def _scalars(arr: np.ndarray) -> list[Any]:
    """Hashable Python scalars of a flat array (bytes stay bytes, str becomes UTF-8)."""
    if arr.dtype.kind in "OSU":
        return [s.encode() if isinstance(s, str) else s for s in arr.tolist()]
    return arr.tolist()


class ResourceStore:
    """Variables, hash tables and initializer status of one interpreter (thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._var_ids: dict[tuple[str, str], int] = {}
        self._var_names: dict[int, tuple[str, str]] = {}
        self._variables: dict[int, np.ndarray] = {}
        self._tables: dict[int, HashTable] = {}
        self._initialized: set[int] = set()
        self._running: set[int] = set()

    # -- variables ------------------------------------------------------------------------
    def variable_id(self, container: str = "", shared_name: str = "") -> int:
        """The id of variable ``(container, shared_name)``, created on first use."""
        key = (container or "", shared_name or "")
        with self.lock:
            if key not in self._var_ids:
                rid = len(self._var_ids)
                self._var_ids[key] = rid
                self._var_names[rid] = key
            return self._var_ids[key]

    def read_variable(self, rid: int) -> np.ndarray:
        """The current value of variable ``rid``; an error if it was never assigned."""
        with self.lock:
            if rid in self._variables:
                return self._variables[rid]
            container, name = self._var_names.get(rid, ("?", f"#{rid}"))
        raise ExecutionError(
            f"resource variable {name!r} (container {container!r}) is read before any value "
            "was assigned to it; assign it first (e.g. in the model's initializer)"
        )

    def assign_variable(self, rid: int, value: Any) -> None:
        """Store a private copy of ``value`` as variable ``rid``."""
        arr = np.array(value, copy=True)
        with self.lock:
            self._variables[rid] = arr

    def variables(self) -> dict[tuple[str, str], np.ndarray]:
        """Every assigned variable by ``(container, shared_name)`` (copies)."""
        with self.lock:
            return {self._var_names[r]: v.copy() for r, v in self._variables.items()}

    # -- hash tables ----------------------------------------------------------------------
    def table(self, table_id: int, key_dtype: Any, value_dtype: Any) -> int:
        """The id of hash table ``table_id``, created on first use."""
        tid = int(table_id)
        with self.lock:
            if tid not in self._tables:
                self._tables[tid] = HashTable(
                    tid, as_tensor_type(key_dtype), as_tensor_type(value_dtype)
                )
            return tid

    def get_table(self, tid: int) -> HashTable:
        with self.lock:
            if tid not in self._tables:
                raise ExecutionError(f"hash table {tid} does not exist in this interpreter")
            return self._tables[tid]

    # -- initializers ---------------------------------------------------------------------
    def run_once(self, key: int, init: Callable[[], Any]) -> bool:
        """Run ``init`` the first time ``key`` is seen; True when it ran now."""
        with self.lock:
            if key in self._initialized:
                return False
            if key in self._running:
                raise ExecutionError(f"initializer subgraph {key} calls itself through CALL_ONCE")
            self._running.add(key)
            try:
                init()  # marked done only after success, so a failed init is retried
            finally:
                self._running.discard(key)
            self._initialized.add(key)
            return True

    def initialized(self) -> frozenset[int]:
        with self.lock:
            return frozenset(self._initialized)
