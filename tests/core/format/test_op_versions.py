"""The writer never writes an op version LiteRT does not register (e.g. BROADCAST_TO v1)."""

import numpy as np
from ai_edge_litert.interpreter import Interpreter as LiteRT

import siglite as sl


def test_broadcast_to_written_at_its_minimum_version():
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [1, 3])
    y = g.op("BROADCAST_TO", x, g.const(np.array([2, 3], np.int32), "shape"))
    g.output(y, "y")
    mb.signature("serving_default", g)
    data = sl.write_model(mb.build())
    assert sl.read_model(data).subgraphs[0].nodes[0].version == 2
    x_val = np.arange(3, dtype=np.float32).reshape(1, 3)
    want = LiteRT(model_content=data).get_signature_runner()(x=x_val)["y"]
    got = sl.Interpreter(model_content=data).get_signature_runner()(x=x_val)["y"]
    np.testing.assert_array_equal(got, want)
