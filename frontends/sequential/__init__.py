"""A Keras-like frontend (``siglite.keras``): ``Sequential`` models of common layers.

import siglite as sl
model = sl.keras.Sequential([
    sl.keras.layers.Dense(2, input_dim=4, activation="relu", name="x"),
    sl.keras.layers.Dense(1, activation="relu", name="output"),
])
model.predict(np.ones((3, 4), np.float32))
tflite_bytes = sl.Converter.from_keras_model(model).convert()

Models convert to TFLite builtin ops (signature ``serving_default``, input ``<name>``, output
``output_0``, dynamic batch) and run with siglite's interpreter.
"""

from . import activations, initializers, layers
from .layers import Input, InputLayer, Layer
from .model import Sequential
from .session import clear_session, set_random_seed

Model = Sequential  # only sequential stacks are supported

__all__ = [
    "Input", "InputLayer", "Layer", "Model", "Sequential", "activations", "clear_session",
    "initializers", "layers", "set_random_seed",
]  # fmt: skip
