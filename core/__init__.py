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
    "OpResolverType": (".runtime", "OpResolverType"),
    "Converter": (".converter", "Converter"),
    "OpsSet": (".converter", "OpsSet"),
    "Optimize": (".converter", "Optimize"),
    "merge_models": (".merge", "merge_models"),
    # pluggy and importlib.metadata load only when plugins are first needed.
    "list_plugins": (".plugins", "list_plugins"),
    "load_plugins": (".plugins", "load_plugins"),
    "lite": (".lite", None),
    "keras": ("siglite.frontends.sequential", None),
    # The tracing frontend's TensorFlow-style names (sl.Module, sl.function, sl.strings ...).
    "Module": ("siglite.frontends.module", "Module"),
    "function": ("siglite.frontends.module", "function"),
    "TensorSpec": ("siglite.frontends.module", "TensorSpec"),
    "Variable": ("siglite.frontends.module", "Variable"),
    "constant": ("siglite.frontends.module", "constant"),
    "convert_to_tensor": ("siglite.frontends.module", "convert_to_tensor"),
    "math": ("siglite.frontends.module", "math"),
    "nn": ("siglite.frontends.module", "nn"),
    "strings": ("siglite.frontends.module", "strings"),
    "image": ("siglite.frontends.module", "image"),
    "lookup": ("siglite.frontends.module", "lookup"),
    "saved_model": ("siglite.frontends.module", "saved_model"),
    "cond": ("siglite.frontends.module", "cond"),
    "while_loop": ("siglite.frontends.module", "while_loop"),
    "ConcreteFunction": ("siglite.frontends.module", "ConcreteFunction"),
    "matmul": ("siglite.frontends.module", "matmul"),
    "reshape": ("siglite.frontends.module", "reshape"),
    "transpose": ("siglite.frontends.module", "transpose"),
    "concat": ("siglite.frontends.module", "concat"),
    "stack": ("siglite.frontends.module", "stack"),
    "unstack": ("siglite.frontends.module", "unstack"),
    "split": ("siglite.frontends.module", "split"),
    "squeeze": ("siglite.frontends.module", "squeeze"),
    "expand_dims": ("siglite.frontends.module", "expand_dims"),
    "gather": ("siglite.frontends.module", "gather"),
    "gather_nd": ("siglite.frontends.module", "gather_nd"),
    "cast": ("siglite.frontends.module", "cast"),
    "where": ("siglite.frontends.module", "where"),
    "shape": ("siglite.frontends.module", "shape"),
    "fill": ("siglite.frontends.module", "fill"),
    "zeros": ("siglite.frontends.module", "zeros"),
    "ones": ("siglite.frontends.module", "ones"),
    "zeros_like": ("siglite.frontends.module", "zeros_like"),
    "ones_like": ("siglite.frontends.module", "ones_like"),
    "range": ("siglite.frontends.module", "range"),
    "pad": ("siglite.frontends.module", "pad"),
    "tile": ("siglite.frontends.module", "tile"),
    "broadcast_to": ("siglite.frontends.module", "broadcast_to"),
    "clip_by_value": ("siglite.frontends.module", "clip_by_value"),
    "argmax": ("siglite.frontends.module", "argmax"),
    "argmin": ("siglite.frontends.module", "argmin"),
    "reduce_sum": ("siglite.frontends.module", "reduce_sum"),
    "reduce_mean": ("siglite.frontends.module", "reduce_mean"),
    "reduce_max": ("siglite.frontends.module", "reduce_max"),
    "reduce_min": ("siglite.frontends.module", "reduce_min"),
    "reduce_prod": ("siglite.frontends.module", "reduce_prod"),
    "reduce_any": ("siglite.frontends.module", "reduce_any"),
    "reduce_all": ("siglite.frontends.module", "reduce_all"),
    "cumsum": ("siglite.frontends.module", "cumsum"),
    "identity": ("siglite.frontends.module", "identity"),
    "slice": ("siglite.frontends.module", "slice"),
    "reverse": ("siglite.frontends.module", "reverse"),
    "one_hot": ("siglite.frontends.module", "one_hot"),
    "size": ("siglite.frontends.module", "size"),
    "rank": ("siglite.frontends.module", "rank"),
    "add": ("siglite.frontends.module", "add"),
    "subtract": ("siglite.frontends.module", "subtract"),
    "multiply": ("siglite.frontends.module", "multiply"),
    "divide": ("siglite.frontends.module", "divide"),
    "truediv": ("siglite.frontends.module", "truediv"),
    "maximum": ("siglite.frontends.module", "maximum"),
    "minimum": ("siglite.frontends.module", "minimum"),
    "abs": ("siglite.frontends.module", "abs"),
    "exp": ("siglite.frontends.module", "exp"),
    "log": ("siglite.frontends.module", "log"),
    "sqrt": ("siglite.frontends.module", "sqrt"),
    "square": ("siglite.frontends.module", "square"),
    "negative": ("siglite.frontends.module", "negative"),
    "sigmoid": ("siglite.frontends.module", "sigmoid"),
    "tanh": ("siglite.frontends.module", "tanh"),
    "equal": ("siglite.frontends.module", "equal"),
    "not_equal": ("siglite.frontends.module", "not_equal"),
    "less": ("siglite.frontends.module", "less"),
    "less_equal": ("siglite.frontends.module", "less_equal"),
    "greater": ("siglite.frontends.module", "greater"),
    "greater_equal": ("siglite.frontends.module", "greater_equal"),
    "logical_and": ("siglite.frontends.module", "logical_and"),
    "logical_or": ("siglite.frontends.module", "logical_or"),
    "logical_not": ("siglite.frontends.module", "logical_not"),
    "add_n": ("siglite.frontends.module", "add_n"),
    "pow": ("siglite.frontends.module", "pow"),
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
