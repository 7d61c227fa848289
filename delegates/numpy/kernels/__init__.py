"""Kernel modules of the numpy delegate, one per op family; importing registers them."""

from . import (  # noqa: F401
    comparison,
    control_flow,
    conv,
    elementwise,
    more_ops,
    nn,
    pooling,
    quantize,
    quantized,
    reductions,
    resize,
    resources,
    shapes,
    strings,
)
