"""Attributes a builtin op cannot store are refused instead of being lost on write."""

import numpy as np
import pytest

import siglite as sl


def _model(**attrs):
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [3])
    g.output(g.op("ADD", x, g.const(np.ones(3, np.float32), "one"), **attrs), "y")
    mb.signature("serving_default", g)
    return mb.build()


def test_misspelled_option_is_an_error_naming_the_valid_ones():
    expected = "ADD has no attribute fused_activation_function"
    with pytest.raises(sl.InvalidModelError, match=expected):
        sl.write_model(_model(fused_activation_function="RELU"))
    with pytest.raises(sl.InvalidModelError, match="its attributes: .*fused_activation"):
        sl.write_model(_model(fused_activation_function="RELU"))


def test_valid_option_round_trips():
    data = sl.write_model(_model(fused_activation="RELU"))
    assert sl.read_model(data).subgraphs[0].nodes[0].attrs["fused_activation"] == "RELU"
