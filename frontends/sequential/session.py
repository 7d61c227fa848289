"""Process-wide state of the Keras-like frontend: default names and the base random seed.

Keras names layers ``dense``, ``dense_1``, ... from a counter per base name that lives for the
whole session; :func:`clear_session` starts the counters again. Weight initialisation is seeded
from the model name and the layer name, so the same program gives the same weights every run.
"""

from __future__ import annotations

import re
import threading
import zlib

import numpy as np

_lock = threading.Lock()
_counts: dict[str, int] = {}
_base_seed = 0


def snake_case(class_name: str) -> str:
    """Keras' default layer name for a class: ``DepthwiseConv2D`` -> ``depthwise_conv2d``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(base: str) -> str:
    """``base`` the first time, then ``base_1``, ``base_2`` ... (until :func:`clear_session`)."""
    with _lock:
        n = _counts.get(base, 0)
        _counts[base] = n + 1
    return base if n == 0 else f"{base}_{n}"


def clear_session() -> None:
    """Forget the default-name counters (like ``keras.backend.clear_session``)."""
    with _lock:
        _counts.clear()


def set_random_seed(seed: int) -> None:
    """Change the base seed that every weight initialisation mixes in."""
    global _base_seed
    _base_seed = int(seed)


def layer_rng(model_name: str, layer_name: str) -> np.random.Generator:
    """The generator that initialises one layer's weights inside one model."""
    key = zlib.crc32(f"{model_name}/{layer_name}".encode())
    return np.random.default_rng([_base_seed & 0xFFFFFFFF, key])
