"""The layer base class, weight variables and the input layer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from siglite.dtypes import as_dtype
from siglite.errors import ConverterError, InputError
from siglite.ir import SubgraphBuilder, Tensor

from .. import initializers, session


class Variable:
    """A named weight holding a float32 numpy array; ``assign`` replaces its value."""

    def __init__(self, name: str, value: np.ndarray, trainable: bool = True) -> None:
        self.name = name
        self.trainable = trainable
        self._value = np.array(value, dtype=np.float32)
        self.version = 0

    @property
    def shape(self) -> tuple[int, ...]:
        return self._value.shape

    @property
    def dtype(self) -> np.dtype:
        return self._value.dtype

    def numpy(self) -> np.ndarray:
        """A copy of the value."""
        return self._value.copy()

    def assign(self, value: Any) -> None:
        """Replace the value; the shape must stay the same."""
        arr = np.asarray(value)
        if arr.shape != self._value.shape:
            raise InputError(
                f"weight {self.name!r} has shape {self._value.shape}, "
                f"got a value of shape {arr.shape}"
            )
        self._value = np.array(arr, dtype=np.float32)
        self.version += 1

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._value if dtype is None else self._value.astype(dtype)

    def __repr__(self) -> str:
        return f"<Variable {self.name} shape={self.shape}>"


class Layer:
    """Base class: a name, weights created by :meth:`build`, and ops appended by :meth:`emit`.

    ``input_shape`` (without the batch dimension) lets a first layer fix the model's input.
    """

    #: dtype of the model input when this layer comes first and no ``Input`` says otherwise
    default_input_dtype = "float32"

    def __init__(
        self,
        name: str | None = None,
        input_shape: Sequence[int | None] | None = None,
        trainable: bool = True,
        dtype: Any = None,
    ) -> None:
        self.name = name or session.unique_name(session.snake_case(type(self).__name__))
        self.input_shape_arg = None if input_shape is None else tuple(input_shape)
        self.trainable = trainable
        self.built = False
        self._variables: list[Variable] = []
        self._rng: np.random.Generator | None = None

    # -- weights -------------------------------------------------------------------------------
    def add_weight(
        self, name: str, shape: Sequence[int], initializer: Any, trainable: bool = True
    ) -> Variable:
        """Create a weight from an initialiser name or callable ``(shape, rng) -> array``."""
        rng = self._rng if self._rng is not None else session.layer_rng("", self.name)
        value = initializers.get(initializer)(tuple(int(d) for d in shape), rng)
        var = Variable(f"{self.name}/{name}", value, trainable)
        self._variables.append(var)
        return var

    @property
    def weights(self) -> list[Variable]:
        """All weights, in Keras order."""
        return list(self._variables)

    @property
    def trainable_weights(self) -> list[Variable]:
        return [v for v in self._variables if v.trainable and self.trainable]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        return [v for v in self._variables if not (v.trainable and self.trainable)]

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the weights, in Keras order and layout."""
        return [v.numpy() for v in self._variables]

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Replace all weights (same count, order and shapes as :meth:`get_weights`)."""
        if not self.built:
            raise InputError(f"layer {self.name!r} is not built yet: it has no weights to set")
        if len(weights) != len(self._variables):
            raise InputError(
                f"layer {self.name!r} expects {len(self._variables)} weights "
                f"({[v.shape for v in self._variables]}), got {len(weights)}"
            )
        for v, w in zip(self._variables, weights, strict=True):
            if np.shape(w) != v.shape:
                raise InputError(
                    f"layer {self.name!r}: weight {v.name!r} has shape {v.shape}, got {np.shape(w)}"
                )
        for v, w in zip(self._variables, weights, strict=True):
            v.assign(w)

    def count_params(self) -> int:
        """Number of scalars in all weights."""
        return int(sum(int(np.prod(v.shape)) for v in self._variables))

    # -- graph ---------------------------------------------------------------------------------
    def ensure_built(self, input_shape: tuple[int, ...], rng: np.random.Generator) -> None:
        """Create the weights for ``input_shape`` (batch included, -1 = unknown) once."""
        if not self.built:
            self._rng = rng
            try:
                self.build(input_shape)
            finally:
                self._rng = None
            self.built = True

    def build(self, input_shape: tuple[int, ...]) -> None:
        """Create weights; layers without weights keep this default."""

    def emit(self, g: SubgraphBuilder, x: Tensor, scope: str) -> Tensor:
        """Append this layer's ops reading ``x``; return the output tensor."""
        raise NotImplementedError

    def known_dim(self, input_shape: tuple[int, ...], axis: int, what: str) -> int:
        """``input_shape[axis]``, which must be known to size this layer's weights."""
        d = input_shape[axis]
        if d < 0:
            raise ConverterError(
                f"layer {self.name!r} ({type(self).__name__}) needs a known {what} "
                f"(axis {axis} of input shape {input_shape})"
            )
        return int(d)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


class InputLayer:
    """The model input: its shape without the batch dimension, name and dtype.

    ``Input(...)`` returns one; put it first in a ``Sequential``.
    """

    def __init__(
        self,
        shape: Sequence[int | None],
        name: str | None = None,
        dtype: Any = None,
        batch_size: int | None = None,
    ) -> None:
        self.shape = tuple(-1 if d is None else int(d) for d in shape)
        self.name = name
        self.dtype = as_dtype(dtype if dtype is not None else "float32")
        self.batch_size = batch_size

    @property
    def full_shape(self) -> tuple[int, ...]:
        """The shape with the batch dimension (-1 unless ``batch_size`` was given)."""
        return (self.batch_size or -1, *self.shape)

    def __repr__(self) -> str:
        return f"<InputLayer name={self.name} shape={self.full_shape} dtype={self.dtype.name}>"


def Input(  # noqa: N802  (Keras spells it this way)
    shape: Sequence[int | None],
    name: str | None = None,
    dtype: Any = None,
    batch_size: int | None = None,
) -> InputLayer:
    """The model input (``keras.Input``): shape without the batch dimension."""
    return InputLayer(shape, name=name, dtype=dtype, batch_size=batch_size)
