"""The edge delegate never runs a quantized node with a kernel that ignores quantization."""

import siglite as sl
from siglite.ir import QuantParams


def _quantized_leaky_relu():
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    q = QuantParams([0.05], [3])
    x = g.input("x", sl.int8, [1, 4], quantization=q)
    y = g.op("LEAKY_RELU", x, outputs=[(sl.int8, (1, 4))], alpha=0.2)
    y.quantization = QuantParams([0.04], [-2])
    g.output(y, "y")
    mb.signature("serving_default", g)
    return mb.build()


def test_op_named_in_ops_without_an_integer_kernel_is_refused():
    edge = sl.load_delegate("edge", {"ops": "LEAKY_RELU"})
    node = _quantized_leaky_relu().subgraphs[0].nodes[0]
    why = edge.supports(node)
    assert why is not True and "LEAKY_RELU" in why
