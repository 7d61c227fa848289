"""Operator codes above 127, unknown builtins and operator-code de-duplication."""

from __future__ import annotations

import math

import numpy as np
from ai_edge_litert import schema_py_generated as schema
from format_testutil import litert

import siglite as sl
from siglite.ir import Node


def _opcodes(content: bytes) -> list[tuple[int, int, bytes | None, int]]:
    root = schema.Model.GetRootAs(content, 0)
    return [
        (c.BuiltinCode(), c.DeprecatedBuiltinCode(), c.CustomCode(), c.Version())
        for c in (root.OperatorCodes(i) for i in range(root.OperatorCodesLength()))
    ]


def _gelu_model(approximate: bool) -> sl.Model:
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [-1, 8])
    y = g.op("GELU", x, approximate=approximate, outputs=[(sl.float32, [-1, 8])])
    g.output(g.op("GELU", y, approximate=approximate, outputs=[(sl.float32, [-1, 8])]), "y")
    mb.signature("serving_default", g)
    return mb.build()


def _gelu(x: np.ndarray) -> np.ndarray:
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))


def test_gelu_code_150_runs_in_litert():
    content = sl.write_model(_gelu_model(approximate=False))
    assert _opcodes(content) == [(150, 127, None, 1)]  # one code for both nodes
    x = np.linspace(-4, 4, 24, dtype=np.float32).reshape(3, 8)
    got = litert(content).get_signature_runner()(x=x)["y"]
    np.testing.assert_allclose(got, _gelu(_gelu(x.astype(np.float64))), rtol=1e-5, atol=1e-6)
    node = sl.read_model(content).subgraphs[0].nodes[0]
    assert (node.op, node.attrs) == ("GELU", {"approximate": False})


def _resource_variable_model(value: np.ndarray) -> sl.Model:
    """An initializer subgraph (CALL_ONCE) assigns a resource variable that main reads."""
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    init = mb.subgraph("init")
    h0 = init.op("VAR_HANDLE", container="", shared_name="v", outputs=[(sl.resource, [])])
    init.subgraph.nodes.append(Node("ASSIGN_VARIABLE", [h0, init.const(value, "init")], []))
    x = g.input("x", sl.float32, list(value.shape))
    g.subgraph.nodes.append(Node("CALL_ONCE", [], [], {"init_subgraph_index": 1}))
    h = g.op("VAR_HANDLE", container="", shared_name="v", outputs=[(sl.resource, [])])
    v = g.op("READ_VARIABLE", h, outputs=[(sl.float32, list(value.shape))])
    g.output(g.op("ADD", x, v, outputs=[(sl.float32, list(value.shape))]), "y")
    mb.signature("serving_default", g)
    return mb.build()


def test_call_once_and_resource_variables_round_trip():
    value = np.array([1.5, -2.0, 3.0], np.float32)
    content = sl.write_model(_resource_variable_model(value))
    codes = {c[0]: c for c in _opcodes(content)}
    assert codes[129][:2] == (129, 127) and codes[142][:2] == (142, 127)
    x = np.array([1, 2, 3], np.float32)
    got = litert(content).get_signature_runner()(x=x)["y"]
    np.testing.assert_array_equal(got, x + value)
    model = sl.read_model(content)
    ops = [(n.op, n.attrs) for n in model.subgraphs[0].nodes]
    assert ops[0] == ("CALL_ONCE", {"init_subgraph_index": 1})
    assert ops[1] == ("VAR_HANDLE", {"container": "", "shared_name": "v"})
    assert [n.op for n in model.subgraphs[1].nodes] == ["VAR_HANDLE", "ASSIGN_VARIABLE"]
    assert sl.write_model(model) == content


def test_unknown_builtin_code_survives():
    model = _gelu_model(approximate=True)
    for node in model.subgraphs[0].nodes:
        node.op, node.attrs = "UNKNOWN_250", {}
    content = sl.write_model(model)
    assert _opcodes(content) == [(250, 127, None, 1)]
    again = sl.read_model(content)
    assert [n.op for n in again.subgraphs[0].nodes] == ["UNKNOWN_250", "UNKNOWN_250"]


def test_opcodes_deduplicated_by_version():
    model = _gelu_model(approximate=True)
    model.subgraphs[0].nodes[1].version = 2
    content = sl.write_model(model)
    assert _opcodes(content) == [(150, 127, None, 1), (150, 127, None, 2)]
    again = sl.read_model(content)
    assert [n.version for n in again.subgraphs[0].nodes] == [1, 2]
    assert all(n.attrs == {"approximate": True} for n in again.subgraphs[0].nodes)


def test_deprecated_code_only_is_read():
    # Files from before builtin_code existed carry the op in deprecated_builtin_code only.
    from format_testutil import fixture_bytes

    content = bytearray(fixture_bytes("seed_keras_sequential"))
    code = schema.Model.GetRootAs(bytes(content), 0).OperatorCodes(0)
    assert (code.BuiltinCode(), code.DeprecatedBuiltinCode()) == (9, 9)
    pos = code._tab.Pos + code._tab.Offset(10)  # field 3: builtin_code
    content[pos : pos + 4] = (0).to_bytes(4, "little")
    assert schema.Model.GetRootAs(bytes(content), 0).OperatorCodes(0).BuiltinCode() == 0
    nodes = sl.read_model(bytes(content)).subgraphs[0].nodes
    assert [n.op for n in nodes] == ["FULLY_CONNECTED", "FULLY_CONNECTED"]
