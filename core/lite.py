"""``sl.lite``: the names of TensorFlow's ``tf.lite`` namespace, backed by siglite.

converter = sl.lite.TFLiteConverter.from_saved_model("saved_model")
interpreter = sl.lite.Interpreter(model_content=converter.convert())
"""

from __future__ import annotations

from .converter import Converter, OpsSet, Optimize, TargetSpec
from .runtime import Interpreter, OpResolverType, load_delegate

TFLiteConverter = Converter

__all__ = [
    "Interpreter", "OpResolverType", "OpsSet", "Optimize", "TFLiteConverter", "TargetSpec",
    "load_delegate",
]  # fmt: skip
