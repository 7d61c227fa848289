"""Built-in op schema entries, one module per op family; importing registers them."""

from . import (
    base,  # noqa: F401
    control_resources,  # noqa: F401
    elementwise,  # noqa: F401
    more_ops,  # noqa: F401
    nn,  # noqa: F401
    reductions,  # noqa: F401
    select_ops,  # noqa: F401
    shapes,  # noqa: F401
    slicing,  # noqa: F401
)
