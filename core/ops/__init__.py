"""The op vocabulary (schemas) shared by frontends, the file format and delegates."""

from .builtin_codes import BUILTIN_CODES, BUILTIN_NAMES
from .registry import BUILTINS, CUSTOM, SELECT, OpSchema, all_ops, find_op, get_op, register_op

__all__ = [
    "BUILTINS", "BUILTIN_CODES", "BUILTIN_NAMES", "CUSTOM", "SELECT", "OpSchema", "all_ops",
    "find_op", "get_op", "register_op",
]  # fmt: skip
