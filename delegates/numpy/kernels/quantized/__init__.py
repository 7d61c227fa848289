"""Integer (int8 / uint8) kernels of the numpy delegate, bit-exact with TFLite's reference
integer kernels; importing registers them. :data:`INTEGER_OPS` lists the ops covered."""

from . import activations, conv, elementwise, pooling, shapes  # noqa: F401

INTEGER_OPS: tuple[str, ...] = (
    "ADD", "AVERAGE_POOL_2D", "BATCH_MATMUL", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D",
    "DEQUANTIZE", "FULLY_CONNECTED", "HARD_SWISH", "LOGISTIC", "MAX_POOL_2D", "MEAN", "MUL",
    "PAD", "PADV2", "QUANTIZE", "RELU", "RELU6", "RELU_N1_TO_1", "RESHAPE", "SOFTMAX", "SUB",
    "TANH",
)  # fmt: skip
