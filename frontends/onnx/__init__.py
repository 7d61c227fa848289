"""The ONNX frontend: ONNX graphs (opsets 7 and later) to siglite models.

``sl.Converter.from_onnx(model)`` and ``sl.Converter.from_onnx({"encode": m1, "decode": m2})``
call :func:`convert_onnx`. ``onnx`` is imported only when a conversion runs.
"""

from __future__ import annotations

from typing import Any


def convert_onnx(model: Any, signature_key: str = "serving_default", **options: Any):
    """Convert an ONNX model (path, bytes, ``ModelProto``) or a dict of them to a siglite Model.

    See :func:`siglite.frontends.onnx.frontend.convert` for the options.
    """
    from .frontend import convert

    return convert(model, signature_key=signature_key, **options)


__all__ = ["convert_onnx"]
