"""The edge (integer NPU) delegate: what it maps, its memory budget and partition limit, and
results bit-exact with LiteRT's reference kernels (the int8 fixture's stored outputs, and
LiteRT run on IR-built models)."""

from __future__ import annotations

import numpy as np
import pytest
from qmodels import QBuilder, rand_int, run_litert

import siglite as sl
from siglite.delegates.edge import EdgeDelegate


@pytest.fixture
def fixture_model(fixtures_dir):
    data = np.load(fixtures_dir / "int8_cnn.npz", allow_pickle=False)
    return str(fixtures_dir / "int8_cnn.tflite"), data


def run_cases(interp, data):
    runner = interp.get_signature_runner()
    for i in range(3):
        out = runner(image=data[f"case{i}/in/image"])["output_0"]
        np.testing.assert_array_equal(out, data[f"case{i}/out_ref/output_0"])


def test_whole_fixture_in_one_partition(fixture_model):
    path, data = fixture_model
    interp = sl.Interpreter(model_path=path, delegates=["edge"])
    p = interp.get_placement()
    assert p.partitions == [("edge", list(range(9)))]
    assert p.report == "edge: 9 of 9 nodes mapped, 1 partition"
    assert {(c.tensor, c.direction) for c in p.copies} == {
        ("serving_default_image:0", "host->device"),
        ("StatefulPartitionedCall_1:0", "device->host"),
    }
    run_cases(interp, data)


def test_small_on_chip_memory_falls_back_with_unchanged_results(fixture_model):
    path, data = fixture_model
    edge = sl.load_delegate("edge", {"sram_bytes": "2000"})
    interp = sl.Interpreter(model_path=path, experimental_delegates=[edge])
    p = interp.get_placement()
    on_cpu = [i for i, _, d in p.nodes if d == "numpy"]
    assert on_cpu and on_cpu != list(range(9))
    assert "exceeds on-chip memory" in p.report
    for i in on_cpu:
        assert f"#{i} (exceeds on-chip memory" in p.report
    assert sum(edge.usage.values()) <= 2000
    run_cases(interp, data)
    with pytest.raises(sl.DelegateError, match="exceeds on-chip memory"):
        sl.Interpreter(model_path=path, experimental_delegates=[EdgeDelegate(sram_bytes=2000)],
                       strict=True)  # fmt: skip


def hop_model(op_in_middle: str = "DEQUANTIZE") -> bytes:
    """int8 conv -> (float hop) -> int8 fully connected -> dequantize."""
    b = QBuilder()
    x = b.input("x", [1, 6, 6, 2], 0.05, 3)
    ws = np.linspace(0.01, 0.02, 4).astype(np.float32)
    c = b.op("CONV_2D", x, b.weights([4, 3, 3, 2], ws), b.bias(0.05, ws, 4), scale=0.1, zp=-2,
             version=3, padding="VALID", stride_w=1, stride_h=1, dilation_w_factor=1,
             dilation_h_factor=1, fused_activation="RELU")  # fmt: skip
    f = b.op("DEQUANTIZE", c, scale=1.0, zp=0, version=2, outputs=[("float32", [1, 4, 4, 4])])
    f.quantization = None
    t = b.op("TANH", f, scale=1.0, zp=0)
    t.quantization = None
    q = b.op("QUANTIZE", t, scale=1 / 128, zp=0, version=2, outputs=[("int8", [1, 4, 4, 4])])
    shape = b.g.const(np.array([1, 64], np.int32), "shape")
    r = b.op("RESHAPE", q, shape, scale=1 / 128, zp=0)
    fws = np.linspace(0.002, 0.004, 3).astype(np.float32)
    y = b.op("FULLY_CONNECTED", r, b.weights([3, 64], fws), b.bias(1 / 128, fws, 3), scale=0.05,
             zp=1, version=4, fused_activation="NONE", keep_num_dims=False)  # fmt: skip
    return b.build(y)


def test_float_hop_and_partition_limit():
    content = hop_model()
    feeds = {"x": rand_int([1, 6, 6, 2])}
    expected = run_litert(content, feeds)["out0"]
    one = sl.Interpreter(model_content=content, delegates=["edge"])
    p = one.get_placement()
    # the larger partition (reshape + fully connected) is the one kept
    assert p.partitions == [("numpy", [0, 1, 2, 3]), ("edge", [4, 5])]
    assert "CONV_2D #0 (partition limit reached (max_partitions=1))" in p.report
    assert "DEQUANTIZE #1 (DEQUANTIZE is not supported by the NPU)" in p.report
    assert "TANH #2 (tensor %tanh is float32, not int8)" in p.report
    two = sl.Interpreter(model_content=content, delegates=[EdgeDelegate(max_partitions=2)])
    assert [d for d, _ in two.get_placement().partitions] == ["edge", "numpy", "edge"]
    for interp in (one, two):
        np.testing.assert_array_equal(interp.get_signature_runner()(**feeds)["out0"], expected)


def test_per_channel_chain_matches_litert_reference():
    b = QBuilder()
    x = b.input("image", [1, 10, 10, 3], 1 / 255, -128)
    ws = np.linspace(0.003, 0.009, 6).astype(np.float32)
    c = b.op("CONV_2D", x, b.weights([6, 3, 3, 3], ws), b.bias(1 / 255, ws, 6), scale=0.02,
             zp=-128, version=3, padding="SAME", stride_w=2, stride_h=2, dilation_w_factor=1,
             dilation_h_factor=1, fused_activation="RELU6")  # fmt: skip
    dws = np.linspace(0.01, 0.02, 6).astype(np.float32)
    d = b.op("DEPTHWISE_CONV_2D", c, b.weights([1, 3, 3, 6], dws, axis=3), b.bias(0.02, dws, 6),
             scale=0.03, zp=-10, version=3, padding="SAME", stride_w=1, stride_h=1,
             depth_multiplier=1, dilation_w_factor=1, dilation_h_factor=1,
             fused_activation="NONE")  # fmt: skip
    a = b.op("ADD", c, d, scale=0.04, zp=-20, version=2, fused_activation="RELU")
    m = b.op("MAX_POOL_2D", a, scale=0.04, zp=-20, version=2, padding="SAME", stride_w=2,
             stride_h=2, filter_width=2, filter_height=2, fused_activation="NONE")  # fmt: skip
    axis = b.g.const(np.array([1, 2], np.int32), "axis")
    mean = b.op("MEAN", m, axis, scale=0.03, zp=-15, version=2, keep_dims=False)
    s = b.op("SOFTMAX", mean, scale=1 / 256, zp=-128, version=2, beta=1.0)
    content = b.build(s)
    interp = sl.Interpreter(model_content=content, delegates=["edge"], strict=True)
    assert interp.get_placement().counts() == {"edge": 6}
    runner = interp.get_signature_runner()
    for _ in range(3):
        feeds = {"image": rand_int([1, 10, 10, 3])}
        expected = run_litert(content, feeds)["out0"]
        assert len(np.unique(expected)) > 1
        np.testing.assert_array_equal(runner(**feeds)["out0"], expected)


def test_ops_option_restricts_the_mapping(fixture_model):
    path, data = fixture_model
    edge = sl.load_delegate("edge", {"ops": "CONV_2D,DEPTHWISE_CONV_2D,ADD"})
    interp = sl.Interpreter(model_path=path, experimental_delegates=[edge])
    p = interp.get_placement()
    assert p.partitions[0] == ("edge", [0, 1, 2, 3])
    assert "AVERAGE_POOL_2D #4 (AVERAGE_POOL_2D is not supported by the NPU)" in p.report
    run_cases(interp, data)
