"""From a :class:`Sequential` to a siglite IR :class:`~siglite.Model`.

The graph has one subgraph and one signature, ``serving_default``, as TFLite's converter makes
for a Keras model: the input is named after the ``Input`` (else ``<first layer>_input``), the
output is ``output_0``, and the batch dimension is dynamic. Each layer appends TFLite builtin ops;
output shapes come from the op schemas' shape rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from siglite.dtypes import DType, as_dtype
from siglite.errors import ConverterError
from siglite.ir import Model, ModelBuilder

from . import session

if TYPE_CHECKING:
    from .model import Sequential

SIGNATURE_KEY = "serving_default"
OUTPUT_NAME = "output_0"


@dataclass(frozen=True)
class InputSpec:
    """The model input as the signature shows it."""

    name: str
    dtype: DType
    shape: tuple[int, ...]  # batch included; -1 = dynamic


def input_spec(model: Sequential) -> InputSpec | None:
    """The input of ``model``, or ``None`` while its input shape is unknown."""
    layers = model.layers
    first = layers[0] if layers else None
    given = model.input_layer
    if given is not None:
        shape: tuple[int, ...] | None = given.full_shape
    elif first is not None and first.input_shape_arg is not None:
        shape = (-1, *(-1 if d is None else int(d) for d in first.input_shape_arg))
    else:
        shape = model.build_shape
    if shape is None:
        return None
    if given is not None and given.name:
        name = given.name
    elif first is not None:
        name = f"{first.name}_input"
    else:
        name = f"{model.name}_input"
    if given is not None:
        dtype = given.dtype  # float32 unless given, as keras.Input
    else:
        dtype = as_dtype(first.default_input_dtype if first is not None else "float32")
    return InputSpec(name, dtype, shape)


def build_ir(model: Sequential) -> tuple[Model, list[tuple[int, ...]]]:
    """The IR model, and each layer's output shape (-1 = dynamic); builds unbuilt layers."""
    spec = input_spec(model)
    if spec is None:
        raise ConverterError(
            f"model {model.name!r} has no input shape yet: start it with Input(shape=...), give "
            "the first layer input_shape=/input_dim=, call build(input_shape) or call it on data"
        )
    if not model.layers:
        raise ConverterError(f"model {model.name!r} has no layers")
    mb = ModelBuilder()
    g = mb.subgraph("main")
    x = g.tensor(f"{SIGNATURE_KEY}_{spec.name}:0", spec.dtype, spec.shape)
    g.subgraph.inputs.append(x)
    first = x
    shapes = []
    for layer in model.layers:
        scope = f"{model.name}/{layer.name}"
        layer.ensure_built(x.signature_shape, session.layer_rng(model.name, layer.name))
        try:
            x = layer.emit(g, x, scope)
        except ConverterError:
            raise
        except Exception as exc:
            raise ConverterError(
                f"layer {layer.name!r} ({type(layer).__name__}) could not be converted for input "
                f"shape {x.signature_shape}: {exc}"
            ) from exc
        shapes.append(x.signature_shape)
    if x is first:
        # A model of identity layers only: TFLite needs an op between input and output.
        x = g.op("RESHAPE", x, _shape_const(g, x), name=f"{model.name}/identity")
    g.subgraph.outputs.append(x)
    mb.signature(SIGNATURE_KEY, g, {spec.name: first}, {OUTPUT_NAME: x})
    return mb.build(), shapes


def _shape_const(g: Any, x: Any) -> Any:
    return g.const(np.array(x.signature_shape, np.int32), "identity_shape")


def convert_keras_model(model: Any) -> Model:
    """The ``keras`` frontend: a :class:`siglite.keras.Sequential` to a siglite model."""
    from .model import Sequential

    if not isinstance(model, Sequential):
        raise ConverterError(
            f"from_keras_model expects a siglite.keras.Sequential model, got {type(model).__name__}"
        )
    return build_ir(model)[0]
