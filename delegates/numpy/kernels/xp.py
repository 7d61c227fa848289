"""The array module of the values a kernel receives: numpy, or CuPy for device arrays.

Kernels written against ``xp = array_module(x)`` run unchanged on the CuPy delegate.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def array_module(*arrays: Any) -> Any:
    for a in arrays:
        mod = type(a).__module__
        if mod.startswith("cupy"):
            import cupy

            return cupy
    return np
