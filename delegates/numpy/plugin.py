"""Registers the numpy delegate through the plugin hooks, like any third-party plugin."""

from siglite.plugins import hookimpl


@hookimpl
def register_delegates(register):
    from .delegate import NumpyDelegate

    register("numpy", NumpyDelegate, "reference CPU kernels (numpy); always last")
