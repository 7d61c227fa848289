"""Weight initialisers with Keras' default formulas, drawing from a given generator."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from siglite.errors import UnsupportedOpError

Initializer = Callable[[Sequence[int], np.random.Generator], np.ndarray]


def _fans(shape: Sequence[int]) -> tuple[int, int]:
    # Keras: the last two dimensions are (fan_in, fan_out) per receptive-field position.
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


def glorot_uniform(shape: Sequence[int], rng: np.random.Generator) -> np.ndarray:
    """Uniform in ``[-limit, limit]`` with ``limit = sqrt(6 / (fan_in + fan_out))``."""
    fan_in, fan_out = _fans(shape)
    limit = np.sqrt(6.0 / max(1, fan_in + fan_out))
    return rng.uniform(-limit, limit, size=tuple(shape)).astype(np.float32)


def he_uniform(shape: Sequence[int], rng: np.random.Generator) -> np.ndarray:
    """Uniform in ``[-limit, limit]`` with ``limit = sqrt(6 / fan_in)``."""
    fan_in, _ = _fans(shape)
    limit = np.sqrt(6.0 / max(1, fan_in))
    return rng.uniform(-limit, limit, size=tuple(shape)).astype(np.float32)


def random_uniform(shape: Sequence[int], rng: np.random.Generator) -> np.ndarray:
    """Uniform in ``[-0.05, 0.05]`` (Keras' ``RandomUniform`` default, used by ``Embedding``)."""
    return rng.uniform(-0.05, 0.05, size=tuple(shape)).astype(np.float32)


def zeros(shape: Sequence[int], rng: np.random.Generator | None = None) -> np.ndarray:
    """All zeros."""
    return np.zeros(tuple(shape), np.float32)


def ones(shape: Sequence[int], rng: np.random.Generator | None = None) -> np.ndarray:
    """All ones."""
    return np.ones(tuple(shape), np.float32)


_BY_NAME: dict[str, Initializer] = {
    "glorot_uniform": glorot_uniform,
    "he_uniform": he_uniform,
    "random_uniform": random_uniform,
    "uniform": random_uniform,
    "zeros": zeros,
    "ones": ones,
}


def get(identifier: Any) -> Initializer:
    """An initialiser from its Keras name or a callable ``(shape, rng) -> array``."""
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in _BY_NAME:
        return _BY_NAME[identifier.lower()]
    raise UnsupportedOpError(
        f"unknown initializer {identifier!r}; expected one of {sorted(_BY_NAME)} or a callable"
    )
