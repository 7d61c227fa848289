"""Model -> Model passes."""

from .constant_folding import fold_constants
from .dead_code import eliminate_dead_code
from .dedupe_buffers import dedupe_constants
from .fuse_activations import fuse_activations
from .layout import order_signatures
from .matmul_to_fc import matmul_to_fully_connected
from .transposes import optimize_transposes

__all__ = [
    "dedupe_constants", "eliminate_dead_code", "fold_constants", "fuse_activations",
    "matmul_to_fully_connected", "optimize_transposes", "order_signatures",
]  # fmt: skip
