"""Select-TF (Flex) nodes and string constants through read, write and read again."""

from __future__ import annotations

import numpy as np
import pytest
from ai_edge_litert import schema_py_generated as schema
from format_testutil import FLEX_FIXTURES, fixture_bytes

import siglite as sl

EXPECTED_OPS = {"decode": "StringToNumber", "encode": "AsString"}


def _flex_nodes(model):
    return {key: sig.subgraph.nodes for key, sig in model.signatures.items()}


def _custom_codes(content: bytes) -> list[bytes]:
    root = schema.Model.GetRootAs(content, 0)
    return sorted(root.OperatorCodes(i).CustomCode() for i in range(root.OperatorCodesLength()))


@pytest.mark.parametrize("name", FLEX_FIXTURES)
def test_flex_ops_decode(name):
    model = sl.read_model(fixture_bytes(name))
    for key, nodes in _flex_nodes(model).items():
        assert [n.op for n in nodes] == [EXPECTED_OPS[key]]
    (as_string,) = model.signatures["encode"].subgraph.nodes
    assert as_string.attrs["T"] == sl.float32
    assert as_string.attrs["precision"] == -1
    (to_number,) = model.signatures["decode"].subgraph.nodes
    assert to_number.attrs["out_type"] == sl.float32


@pytest.mark.parametrize("name", FLEX_FIXTURES)
def test_flex_ops_round_trip(name):
    original = fixture_bytes(name)
    first = sl.read_model(original)
    content = sl.write_model(first)
    assert (
        _custom_codes(content)
        == _custom_codes(original)
        == [b"FlexAsString", b"FlexStringToNumber"]
    )
    second = sl.read_model(content)
    for key, nodes in _flex_nodes(first).items():
        again = _flex_nodes(second)[key]
        assert [(n.op, n.attrs) for n in nodes] == [(n.op, n.attrs) for n in again]
        assert all(n.custom_options is None for n in again)


def test_string_constants_round_trip():
    words = np.array([b"hello", b"", "w\u00f6rld".encode(), b"\x00\xff"], dtype=object).reshape(
        2, 2
    )
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.string, [2, 2])
    table = g.const(words, "words")
    y = g.op("StringJoin", x, table, N=2, separator="-", outputs=[(sl.string, [2, 2])])
    g.output(y, "joined")
    mb.signature("join", g)
    content = sl.write_model(mb.build())
    assert _custom_codes(content) == [b"FlexStringJoin"]
    model = sl.read_model(content)
    (node,) = model.subgraphs[0].nodes
    assert node.op == "StringJoin"
    assert node.attrs == {"N": 2, "separator": "-"}
    got = model.subgraphs[0].tensors[1].data
    assert got.dtype == object and got.shape == (2, 2)
    assert got.tolist() == words.tolist()
    assert sl.write_model(model) == content


def test_custom_op_keeps_raw_options():
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [4])
    y = g.op("MyCustomOp", x, outputs=[(sl.float32, [4])])
    g.subgraph.nodes[-1].custom_options = b"\x01\x02raw"
    g.output(y, "y")
    mb.signature("serving_default", g)
    model = sl.read_model(sl.write_model(mb.build()))
    (node,) = model.subgraphs[0].nodes
    assert (node.op, node.custom_options, node.attrs) == ("MyCustomOp", b"\x01\x02raw", {})
