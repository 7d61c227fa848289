"""Reading and writing the TFLite flatbuffer format."""
