"""siglite: models with signatures, in the real TFLite format, on pluggable delegates.

import siglite as sl
model = sl.read_model("model.tflite")
interpreter = sl.Interpreter(model_path="model.tflite")
runner = interpreter.get_signature_runner("encode")
runner(x=[1.0, 2.0])
"""

from __future__ import annotations

import importlib
from typing import Any

from . import dtypes
from .delegate import Delegate, Kernel, KernelContext, KernelTable
from .dtypes import (
    DType,
    bfloat16,
    bool_,
    complex64,
    complex128,
    float16,
    float32,
    float64,
    int4,
    int8,
    int16,
    int32,
    int64,
    resource,
    string,
    uint8,
    uint16,
    uint32,
    uint64,
    variant,
)
from .errors import (
    ConverterError,
    DelegateError,
    DTypeError,
    ExecutionError,
    InputError,
    InvalidModelError,
    PluginError,
    RuntimeStateError,
    SigliteError,
    SignatureError,
    UnsupportedOpError,
)
from .ir import Model, ModelBuilder, Node, QuantParams, Signature, Subgraph, SubgraphBuilder, Tensor
from .ops import OpSchema, get_op, register_op
from .plugins import list_plugins, load_plugins

__version__ = "0.1.0"

bool = bool_  # noqa: A001  (TensorFlow spells it tf.bool)

# Heavier parts load on first use: name -> (module, attribute or None for the module itself).
_LAZY: dict[str, tuple[str, str | None]] = {
    "read_model": (".format", "read_model"),
    "write_model": (".format", "write_model"),
    "Interpreter": (".runtime", "Interpreter"),
    "SignatureRunner": (".runtime", "SignatureRunner"),
    "load_delegate": (".runtime", "load_delegate"),
    "Placement": (".runtime", "Placement"),
    "Converter": (".converter", "Converter"),
    "OpsSet": (".converter", "OpsSet"),
    "Optimize": (".converter", "Optimize"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        mod = importlib.import_module(module, __name__)
        value = mod if attr is None else getattr(mod, attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'siglite' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
