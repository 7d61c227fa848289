"""Mistakes a LiteRT user makes with the interpreter: the messages keep LiteRT's text and say
what to pass instead."""

from __future__ import annotations

import numpy as np
import pytest
from ai_edge_litert.interpreter import Interpreter as LiteRT

import siglite as sl


def _two_signatures() -> bytes:
    mb = sl.ModelBuilder()
    for key, op in (("double", "ADD"), ("square", "MUL")):
        g = mb.subgraph(key)
        x = g.input("x", sl.float32, [-1])
        g.output(g.op(op, x, x, fused_activation="NONE"), "y")
        mb.signature(key, g)
    return sl.write_model(mb.build())


def test_runner_without_key_keeps_litert_text_and_lists_the_keys():
    data = _two_signatures()
    with pytest.raises(ValueError) as litert:
        LiteRT(model_content=data).get_signature_runner()
    with pytest.raises(sl.SignatureError) as ours:
        sl.Interpreter(model_content=data).get_signature_runner()
    assert str(ours.value).startswith(str(litert.value).strip())
    assert "'double', 'square'" in str(ours.value)


@pytest.mark.parametrize("given", ["edge", "edge,numpy", " edge , numpy "])
def test_delegates_as_a_string_are_names_not_letters(given):
    data = _two_signatures()
    listed = sl.Interpreter(model_content=data, delegates=["edge"])
    named = sl.Interpreter(model_content=data, delegates=given)
    assert [d.name for d in named.delegates] == [d.name for d in listed.delegates]
    x = np.arange(3, dtype=np.float32)
    want = LiteRT(model_content=data).get_signature_runner("square")(x=x)["y"]
    np.testing.assert_array_equal(named.get_signature_runner("square")(x=x)["y"], want)


def test_misspelled_delegate_option_names_the_valid_ones():
    with pytest.raises(sl.DelegateError, match=r"no option 'sram' \(its options: sram_bytes"):
        sl.load_delegate("edge", {"sram": 3})
    assert sl.load_delegate("edge", {"sram_bytes": 1024}).sram_bytes == 1024
