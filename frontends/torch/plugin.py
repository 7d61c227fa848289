"""Registers the PyTorch frontend through the plugin hooks, like any third-party plugin."""

from siglite.plugins import hookimpl


@hookimpl
def register_frontends(register):
    from . import convert_torch

    register("torch", convert_torch, "PyTorch modules via torch.export to builtin ops; needs torch")
