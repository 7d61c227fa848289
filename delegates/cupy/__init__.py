"""The CuPy GPU delegate: the numpy delegate's kernels run on CuPy arrays on an NVIDIA GPU."""

from .delegate import CupyDelegate

__all__ = ["CupyDelegate"]
