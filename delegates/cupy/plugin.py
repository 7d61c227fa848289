"""Registers the CuPy delegate through the plugin hooks (CuPy is imported only when one is
created)."""

from siglite.plugins import hookimpl


@hookimpl
def register_delegates(register):
    from .delegate import CupyDelegate

    register("cupy", CupyDelegate, "NVIDIA GPU through CuPy; shares the numpy kernels")
