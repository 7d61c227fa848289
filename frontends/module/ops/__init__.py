"""Op functions with TensorFlow's names, emitting siglite's op vocabulary."""

from . import array, control, image, lookup, math, nn, strings

__all__ = ["array", "control", "image", "lookup", "math", "nn", "strings"]
