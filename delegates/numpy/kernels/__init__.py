"""Kernel modules of the numpy delegate, one per op family; importing registers them."""

from . import (  # noqa: F401
    comparison,
    control_flow,
    conv,
    elementwise,
    nn,
    pooling,
    quantize,
    reductions,
    resize,
    resources,
    shapes,
    strings,
)
