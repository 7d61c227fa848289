"""The numpy CPU delegate: siglite's reference kernels. It is always last and takes the rest."""

from .delegate import NumpyDelegate
from .table import KERNELS

__all__ = ["KERNELS", "NumpyDelegate"]
