"""The numpy delegate object."""

from __future__ import annotations

from typing import Any

import numpy as np

from siglite.delegate import Delegate

from .table import KERNELS


class NumpyDelegate(Delegate):
    """Reference CPU kernels written with numpy."""

    name = "numpy"
    xp = np

    def __init__(self) -> None:
        from . import kernels  # noqa: F401  (registers every kernel module)

        super().__init__(KERNELS)

    def supports(self, node: Any, subgraph: Any = None) -> bool | str:
        """A kernel exists, and it knows the node's quantization when the node has one."""
        from .kernels.quantized.coverage import integer_refusal

        kernel = self.kernel_for(node)
        if kernel is None:
            return "no kernel"
        return integer_refusal(node, kernel) or True
