"""Unsupported ops, failing kernels, delegates and placement."""

from __future__ import annotations

import numpy as np
import pytest
from runtime_models import BoomDelegate, custom_op_model, if_model

import siglite as sl


def test_unknown_custom_op_fails_at_allocation():
    model = custom_op_model("MyCustomOp")
    interp = sl.Interpreter(model=model)  # construction succeeds, like LiteRT
    interp.get_signature_runner()  # so does runner creation
    for call in (interp.allocate_tensors, lambda: interp.get_signature_runner()(x=[1.0, 2.0])):
        with pytest.raises(sl.UnsupportedOpError) as info:
            call()
        msg = str(info.value)
        assert "MyCustomOp" in msg and "node 0" in msg and "'serving_default'" in msg


def test_unknown_op_in_a_called_subgraph_fails_at_allocation():
    model = if_model()
    model.subgraphs[2].nodes[0].op = "NoSuchOp"
    with pytest.raises(sl.UnsupportedOpError, match=r"subgraph 2.*'serving_default'.*NoSuchOp"):
        sl.Interpreter(model=model).allocate_tensors()


@pytest.mark.parametrize("op", ["UNKNOWN_250", "SomeVendorOp"])
def test_model_file_with_an_unknown_op_loads_and_reports_it_when_run(op):
    """An unknown builtin code (250) or custom code survives the file and fails only at
    allocation, naming the node, the op and the signature (LiteRT refuses such a file)."""
    model = custom_op_model("MyCustomOp")
    model.subgraphs[0].nodes[0].op = op
    model.subgraphs[0].nodes[0].custom_options = None if op.startswith("UNKNOWN_") else b"\x01"
    interp = sl.Interpreter(model_content=sl.write_model(model))
    assert interp.get_signature_list() == {"serving_default": {"inputs": ["x"], "outputs": ["y"]}}
    assert interp.model.subgraphs[0].nodes[0].op == op
    for call in (interp.allocate_tensors, lambda: interp.get_signature_runner()(x=[1.0, 2.0])):
        with pytest.raises(sl.UnsupportedOpError) as info:
            call()
        msg = str(info.value)
        assert f"({op})" in msg and "node 0" in msg and "'serving_default'" in msg


def test_kernel_exception_is_wrapped():
    interp = sl.Interpreter(model=custom_op_model("TestBoom"), delegates=[BoomDelegate()])
    with pytest.raises(sl.ExecutionError) as info:
        interp.get_signature_runner()(x=np.ones(2, np.float32))
    msg = str(info.value)
    assert "node 0" in msg and "TestBoom" in msg and "'serving_default'" in msg and "boom" in msg
    assert isinstance(info.value.__cause__, ArithmeticError)


def test_placement_and_delegate_order():
    boom = BoomDelegate()
    interp = sl.Interpreter(model=custom_op_model("TestBoom"), delegates=[boom, "numpy"])
    assert [d.name for d in interp.delegates] == ["test-boom", "numpy"]
    placement = interp.placement()
    assert placement.nodes[0] == ["test-boom", "numpy"]
    assert placement.partitions(0) == [("test-boom", [0]), ("numpy", [1])]


def test_load_delegate():
    delegate = sl.load_delegate("numpy")
    assert delegate.name == "numpy"
    interp = sl.Interpreter(model=if_model(), experimental_delegates=[delegate])
    assert interp.delegates == [delegate]
    with pytest.raises(sl.DelegateError, match="available delegates: .*numpy"):
        sl.load_delegate("no-such-delegate")
    with pytest.raises(sl.DelegateError, match="no-such-delegate"):
        sl.Interpreter(model=if_model(), delegates=["no-such-delegate"])


def test_invoke_before_allocation_and_bad_subgraph_index():
    interp = sl.Interpreter(model=if_model())
    with pytest.raises(sl.RuntimeStateError, match="not ready"):
        interp.invoke()
    with pytest.raises(ValueError, match="out of range: 7 .* 3 subgraphs"):
        interp.get_tensor_details(7)


@pytest.mark.parametrize("content", [10**12, "model.tflite", [1, 2], True])
def test_model_content_must_be_bytes_like(content):
    # bytes(10**12) would try to allocate a terabyte of zeros
    with pytest.raises(sl.InvalidModelError, match="bytes-like"):
        sl.Interpreter(model_content=content)


def test_model_content_bytes_are_not_copied():
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [1000])
    g.output(g.op("ADD", x, g.const(np.arange(1000, dtype=np.float32), "c")), "y")
    mb.signature("serving_default", g)
    content = sl.write_model(mb.build())
    interp = sl.Interpreter(model_content=content)
    const = next(t.data for t in interp.model.subgraphs[0].tensors if t.data is not None)
    assert np.shares_memory(const, np.frombuffer(content, np.uint8))
    copied = sl.Interpreter(model_content=bytearray(content))  # mutable: copied
    const = next(t.data for t in copied.model.subgraphs[0].tensors if t.data is not None)
    assert not np.shares_memory(const, np.frombuffer(content, np.uint8))
    out = copied.get_signature_runner()(x=np.ones(1000, np.float32))["y"]
    np.testing.assert_array_equal(out, np.arange(1000, dtype=np.float32) + 1)
