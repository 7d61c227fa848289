"""Keras-like layers (``siglite.keras.layers``)."""

from .activation import Activation, LeakyReLU, ReLU, Softmax
from .base import Input, InputLayer, Layer, Variable
from .conv import Conv2D, DepthwiseConv2D
from .core import Dense, Dropout, Embedding, Flatten, Reshape
from .normalization import BatchNormalization, LayerNormalization
from .pooling import (
    AveragePooling2D,
    GlobalAveragePooling2D,
    GlobalMaxPooling2D,
    MaxPooling2D,
)

# Keras aliases
AvgPool2D = AveragePooling2D
MaxPool2D = MaxPooling2D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalMaxPool2D = GlobalMaxPooling2D
Convolution2D = Conv2D

__all__ = [
    "Activation", "AveragePooling2D", "AvgPool2D", "BatchNormalization", "Conv2D",
    "Convolution2D", "Dense", "DepthwiseConv2D", "Dropout", "Embedding", "Flatten",
    "GlobalAveragePooling2D", "GlobalAvgPool2D", "GlobalMaxPool2D", "GlobalMaxPooling2D", "Input",
    "InputLayer", "Layer", "LayerNormalization", "LeakyReLU", "MaxPool2D", "MaxPooling2D", "ReLU",
    "Reshape", "Softmax", "Variable",
]  # fmt: skip
