"""Resource variables and hash tables; the state lives in the interpreter's resource store."""

from __future__ import annotations

import numpy as np

from siglite.runtime.resources import handle_array, handle_id

from ..table import KERNELS


@KERNELS.register("VAR_HANDLE", context=True)
def var_handle(ctx, *, container: str = "", shared_name: str = ""):
    """The handle of resource variable ``(container, shared_name)``."""
    return handle_array(ctx.resources.variable_id(container, shared_name))


@KERNELS.register("READ_VARIABLE", context=True)
def read_variable(ctx, handle):
    """The value of the variable behind ``handle``."""
    return ctx.resources.read_variable(handle_id(handle))


@KERNELS.register("ASSIGN_VARIABLE", context=True)
def assign_variable(ctx, handle, value):
    """Store ``value`` in the variable behind ``handle``."""
    ctx.resources.assign_variable(handle_id(handle), value)
    return ()


@KERNELS.register("HASHTABLE", context=True)
def hashtable(ctx, *, table_id: int = 0, key_dtype="STRING", value_dtype="INT64"):
    """The handle of hash table ``table_id``, created on first use."""
    return handle_array(ctx.resources.table(table_id, key_dtype, value_dtype))


@KERNELS.register("HASHTABLE_IMPORT", context=True)
def hashtable_import(ctx, handle, keys, values):
    """Fill the table with ``keys`` -> ``values`` (the first import only, as in TFLite)."""
    ctx.resources.get_table(handle_id(handle)).import_(keys, values)
    return ()


@KERNELS.register("HASHTABLE_FIND", context=True)
def hashtable_find(ctx, handle, keys, default_value):
    """The values of ``keys``, ``default_value`` where a key is missing."""
    return ctx.resources.get_table(handle_id(handle)).find(keys, default_value)


@KERNELS.register("HASHTABLE_SIZE", context=True)
def hashtable_size(ctx, handle):
    """The number of entries in the table, as an int64 vector of one."""
    return np.array([len(ctx.resources.get_table(handle_id(handle)).data)], dtype=np.int64)
