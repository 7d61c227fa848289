"""``Sequential``: a stack of layers, built to a siglite model and run by siglite's interpreter."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from siglite.errors import InputError
from siglite.ir import Model

from . import session
from .build import OUTPUT_NAME, SIGNATURE_KEY, build_ir, input_spec
from .layers.base import InputLayer, Layer, Variable
from .summary import format_summary


class Sequential:
    """A linear stack of layers (``keras.Sequential``).

    The first element may be an ``Input``; otherwise the first layer's ``input_shape`` /
    ``input_dim``, :meth:`build` or the first call on data fixes the input shape. Weights are
    created as soon as it is known.
    """

    def __init__(
        self, layers: Iterable[Layer | InputLayer] | None = None, name: str | None = None
    ) -> None:
        self.name = name or session.unique_name("sequential")
        self.input_layer: InputLayer | None = None
        self.build_shape: tuple[int, ...] | None = None
        self._layers: list[Layer] = []
        self._structure = 0  # bumped whenever the stack changes
        self._layer_shapes: list[tuple[int, ...]] | None = None
        self._runner: tuple[Any, Any] | None = None
        for layer in layers or ():
            self.add(layer)

    # -- structure -----------------------------------------------------------------------------
    def add(self, layer: Layer | InputLayer) -> None:
        """Append a layer (or set the input, when nothing was added yet)."""
        if isinstance(layer, InputLayer):
            if self._layers or self.input_layer is not None:
                raise InputError(f"model {self.name!r}: an Input can only come first")
            self.input_layer = layer
            return
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential takes layers, got {type(layer).__name__}: {layer!r}")
        if any(existing.name == layer.name for existing in self._layers):
            raise InputError(f"model {self.name!r} already has a layer named {layer.name!r}")
        self._layers.append(layer)
        self._changed()
        if input_spec(self) is not None:
            self._trace()

    def pop(self) -> Layer:
        """Remove and return the last layer."""
        if not self._layers:
            raise InputError(f"model {self.name!r} has no layers to pop")
        layer = self._layers.pop()
        self._changed()
        return layer

    def _changed(self) -> None:
        self._structure += 1
        self._layer_shapes = None
        self._runner = None

    @property
    def layers(self) -> list[Layer]:
        """The layers, in order (the input is not one of them)."""
        return list(self._layers)

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """A layer by name or by index."""
        if index is not None:
            if not -len(self._layers) <= index < len(self._layers):
                raise InputError(f"model {self.name!r} has {len(self._layers)} layers, no {index}")
            return self._layers[index]
        for layer in self._layers:
            if layer.name == name:
                return layer
        names = [layer.name for layer in self._layers]
        raise InputError(f"model {self.name!r} has no layer {name!r} (layers: {names})")

    # -- building ------------------------------------------------------------------------------
    @property
    def built(self) -> bool:
        return bool(self._layers) and all(layer.built for layer in self._layers)

    def build(self, input_shape: Sequence[int | None] | None = None) -> None:
        """Create the weights for ``input_shape`` (batch dimension included)."""
        if input_shape is not None and input_spec(self) is None:
            self.build_shape = tuple(-1 if d is None else int(d) for d in input_shape)
            self._changed()
        self._trace()

    def _trace(self) -> Model:
        model, shapes = build_ir(self)
        self._layer_shapes = shapes
        return model

    def to_ir(self) -> Model:
        """The siglite model (signature ``serving_default``), building weights if needed."""
        return self._trace()

    @property
    def input_name(self) -> str:
        """The signature's input name."""
        spec = input_spec(self)
        if spec is None:
            raise InputError(f"model {self.name!r} has no input shape yet")
        return spec.name

    @property
    def input_shape(self) -> tuple[int | None, ...]:
        spec = input_spec(self)
        if spec is None:
            raise InputError(f"model {self.name!r} has no input shape yet")
        return _keras_shape(spec.shape)

    @property
    def output_shape(self) -> tuple[int | None, ...]:
        return _keras_shape(self.layer_output_shapes()[-1])

    def layer_output_shapes(self) -> list[tuple[int, ...]]:
        """Each layer's output shape (-1 = dynamic), as the built graph has them."""
        if self._layer_shapes is None:
            self._trace()
        assert self._layer_shapes is not None
        return list(self._layer_shapes)

    # -- weights -------------------------------------------------------------------------------
    @property
    def weights(self) -> list[Variable]:
        return [v for layer in self._layers for v in layer.weights]

    @property
    def trainable_weights(self) -> list[Variable]:
        return [v for layer in self._layers for v in layer.trainable_weights]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        return [v for layer in self._layers for v in layer.non_trainable_weights]

    def get_weights(self) -> list[np.ndarray]:
        """Copies of every layer's weights, layer after layer, in Keras order and layout."""
        return [w for layer in self._layers for w in layer.get_weights()]

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Replace all weights; ``weights`` is laid out as :meth:`get_weights` returns them."""
        if not self.built:
            raise InputError(f"model {self.name!r} is not built yet: it has no weights to set")
        expected = len(self.weights)
        if len(weights) != expected:
            raise InputError(
                f"model {self.name!r} expects {expected} weight arrays, got {len(weights)}"
            )
        at = 0
        for layer in self._layers:
            n = len(layer.weights)
            layer.set_weights(list(weights[at : at + n]))
            at += n

    def count_params(self) -> int:
        """Number of scalars in all weights."""
        if not self.built:
            raise InputError(f"model {self.name!r} is not built yet: count_params needs weights")
        return sum(layer.count_params() for layer in self._layers)

    # -- running -------------------------------------------------------------------------------
    def _signature_runner(self) -> Any:
        key = (self._structure, tuple((id(v), v.version) for v in self.weights))
        if self._runner is None or self._runner[0] != key:
            import siglite

            interpreter = siglite.Interpreter(model=self.to_ir())
            # the weights may have been created just now: key them after the build
            key = (self._structure, tuple((id(v), v.version) for v in self.weights))
            self._runner = (key, interpreter.get_signature_runner(SIGNATURE_KEY))
        return self._runner[1]

    def _run(self, x: Any) -> np.ndarray:
        spec = input_spec(self)
        arr = np.asarray(x)
        if spec is None:
            self.build((None, *arr.shape[1:]))
            spec = input_spec(self)
        assert spec is not None
        if spec.dtype.name != "string":
            arr = arr.astype(spec.dtype.numpy, copy=False)
        out = self._signature_runner()(**{spec.name: arr})
        return np.asarray(out[OUTPUT_NAME])

    def predict(self, x: Any, batch_size: int | None = None, verbose: Any = "auto", **_: Any):
        """Outputs for ``x`` as numpy, run in batches of ``batch_size`` (Keras' default 32)."""
        arr = np.asarray(x)
        size = batch_size or 32
        if arr.ndim == 0 or arr.shape[0] <= size:
            return self._run(arr)
        parts = [self._run(arr[i : i + size]) for i in range(0, arr.shape[0], size)]
        return np.concatenate(parts, axis=0)

    def __call__(self, x: Any, training: bool = False) -> np.ndarray:
        """Outputs for ``x`` as numpy (one run, inference mode)."""
        return self._run(x)

    def summary(
        self,
        line_length: int | None = None,
        positions: Any = None,
        print_fn: Callable[..., Any] | None = None,
        **_: Any,
    ) -> None:
        """Print a table of layers, output shapes and parameter counts."""
        text = format_summary(self, line_length or 80)
        (print_fn or print)(text)

    def __repr__(self) -> str:
        return f"<Sequential name={self.name}, {len(self._layers)} layers>"


def _keras_shape(shape: Sequence[int]) -> tuple[int | None, ...]:
    return tuple(None if d < 0 else int(d) for d in shape)
