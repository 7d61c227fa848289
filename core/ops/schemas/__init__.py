"""Built-in op schema entries, one module per op family; importing registers them."""

from . import base  # noqa: F401
