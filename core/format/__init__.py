"""Reading and writing the TFLite flatbuffer format (schema v3, file identifier ``TFL3``).

model = sl.read_model("model.tflite")     # constants are zero-copy views of the file
data = sl.write_model(model)              # bytes that LiteRT loads
"""

from .reader import read_model
from .writer import save_model, write_model

__all__ = ["read_model", "save_model", "write_model"]
