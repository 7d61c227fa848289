"""IR: building, printing, lint and dead-code elimination."""

import numpy as np
import pytest

import siglite as sl
from siglite.ir import Node, lint_model
from siglite.passes import eliminate_dead_code


def _two_layer():
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [-1, 4])
    w = g.const(np.ones((3, 4), np.float32), "w")
    h = g.op(
        "FULLY_CONNECTED", x, w, None, outputs=[(sl.float32, (-1, 3))], fused_activation="RELU"
    )
    g.op("NEG", h, outputs=[(sl.float32, (-1, 3))], name="unused")
    g.output(h, "y")
    mb.signature("serving_default", g)
    return mb.build()


def test_print_one_line_per_node():
    text = str(_two_layer().subgraphs[0])
    assert (
        "%fully_connected : f32[-1,3] = FULLY_CONNECTED(%x, %w, _) {fused_activation=RELU}" in text
    )
    assert "return %fully_connected" in text


def test_dynamic_dims_keep_shape_signature():
    x = _two_layer().subgraphs[0].inputs[0]
    assert x.shape == (1, 4) and x.shape_signature == (-1, 4)


def test_lint_finds_read_before_write_and_foreign_tensor():
    model = _two_layer()
    sg = model.subgraphs[0]
    stray = sl.Tensor("stray", sl.float32, (1,))
    sg.nodes.insert(0, Node("NEG", [sg.nodes[0].outputs[0]], [stray]))
    problems = lint_model(model)
    assert any("read before it is written" in p for p in problems)
    assert any("%stray is not a tensor" in p for p in problems)
    with pytest.raises(sl.InvalidModelError):
        sl.ir.check(model)


def test_dead_code_elimination_drops_unused_node():
    model = eliminate_dead_code(_two_layer())
    assert [n.op for n in model.subgraphs[0].nodes] == ["FULLY_CONNECTED"]
    assert all(t.name != "unused" for t in model.subgraphs[0].tensors)


def test_signature_list_sorted_like_litert():
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    b = g.input("b", sl.float32, [1])
    a = g.input("a", sl.float32, [1])
    g.output(g.op("ADD", b, a, outputs=[(sl.float32, (1,))]), "z")
    mb.signature("k", g)
    assert mb.build().get_signature_list() == {"k": {"inputs": ["a", "b"], "outputs": ["z"]}}
