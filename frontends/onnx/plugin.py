"""Registers the ONNX frontend through the plugin hooks, like any third-party plugin."""

from siglite.plugins import hookimpl


@hookimpl
def register_frontends(register):
    from . import convert_onnx

    register("onnx", convert_onnx, "ONNX graphs (opsets 7+) to builtin ops; needs the onnx package")
