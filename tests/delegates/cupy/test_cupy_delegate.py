"""The CuPy delegate: partitioning, border copies and results, on a numpy-backed stand-in for
CuPy (runs everywhere) and on a real GPU (``gpu`` marker, skipped without CUDA).

The oracle is the same model on the numpy delegate alone (and, for the int8 fixture, LiteRT's
reference-kernel outputs stored with it).
"""

from __future__ import annotations

import numpy as np
import pytest
from qmodels import FakeCupy, FakeDeviceArray

import siglite as sl
from siglite.delegates.cupy import CupyDelegate

X = np.linspace(-3, 3, 6, dtype=np.float32).reshape(2, 3)


def string_hop_model() -> sl.Model:
    """y = tanh(number(string(x * 2)) + 1): the string ops in the middle stay on the host."""
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [2, 3])
    m = g.op("MUL", x, g.const(np.full((1, 3), 2, np.float32), "two"), name="m")
    s = g.op("AsString", m, name="s")
    n = g.op("StringToNumber", s, name="n", out_type="float32")
    a = g.op("ADD", n, g.const(np.ones((1, 3), np.float32), "one"), name="a")
    g.output(g.op("TANH", a, name="y"), "y")
    mb.signature("serving_default", g)
    return mb.build()


def chain_model() -> sl.Model:
    """y = logistic(relu(x @ w^T + b) * 3): every node claimable."""
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [2, 3])
    w = g.const(np.arange(12, dtype=np.float32).reshape(4, 3) / 10, "w")
    b = g.const(np.full(4, -0.5, np.float32), "b")
    f = g.op("FULLY_CONNECTED", x, w, b, name="f", fused_activation="RELU")
    m = g.op("MUL", f, g.const(np.full((1, 4), 3, np.float32), "three"), name="m")
    g.output(g.op("LOGISTIC", m, name="y"), "y")
    mb.signature("serving_default", g)
    return mb.build()


def numpy_run(model, **feeds):
    return sl.Interpreter(model=model).get_signature_runner()(**feeds)


def test_unclaimed_op_splits_partitions_with_copies_at_the_borders():
    fake = FakeCupy()
    interp = sl.Interpreter(
        model=string_hop_model(), experimental_delegates=[CupyDelegate(device_module=fake)]
    )
    p = interp.get_placement()
    assert p.partitions == [("cupy", [0]), ("numpy", [1, 2]), ("cupy", [3, 4])]
    assert {(c.tensor, c.direction) for c in p.copies} == {
        ("x", "host->device"),
        ("m", "device->host"),
        ("n", "host->device"),
        ("y", "device->host"),
    }
    assert "string tensor %s stays on the host" in p.why(1)
    out = interp.get_signature_runner()(x=X)["y"]
    assert type(out) is np.ndarray
    np.testing.assert_array_equal(out, numpy_run(string_hop_model(), x=X)["y"])
    assert len(fake.downloads) == 2  # m and y, nothing else


def test_strict_names_the_unclaimed_ops():
    with pytest.raises(sl.DelegateError) as info:
        sl.Interpreter(
            model=string_hop_model(),
            experimental_delegates=[CupyDelegate(device_module=FakeCupy())],
            strict=True,
        )
    msg = str(info.value)
    assert "node 1 (AsString)" in msg and "node 2 (StringToNumber)" in msg and "cupy" in msg


def test_intermediates_stay_on_the_device():
    fake = FakeCupy()
    interp = sl.Interpreter(
        model=chain_model(), experimental_delegates=[CupyDelegate(device_module=fake)]
    )
    assert interp.get_placement().partitions == [("cupy", [0, 1, 2])]
    runner = interp.get_signature_runner()
    first = runner(x=X)["y"]
    assert len(fake.uploads) == 4  # x and three weights
    fake.uploads.clear(), fake.downloads.clear()
    second = runner(x=X)["y"]
    assert fake.uploads == [(2, 3)] and fake.downloads == [(2, 4)]  # only the borders
    expected = numpy_run(chain_model(), x=X)["y"]
    np.testing.assert_array_equal(first, expected)
    np.testing.assert_array_equal(second, expected)


def test_device_arrays_in_and_out_without_host_round_trips():
    fake = FakeCupy()
    delegate = CupyDelegate(device_module=fake, device_outputs=True)
    interp = sl.Interpreter(model=chain_model(), experimental_delegates=[delegate])
    assert interp.get_placement().copies[0].direction == "host->device"  # x, unless on device
    out = interp.get_signature_runner()(x=fake.asarray(X))["y"]
    assert isinstance(out, FakeDeviceArray)
    assert fake.downloads == [] and len(fake.uploads) == 4  # x (by the caller) and the weights
    np.testing.assert_array_equal(np.asarray(out), numpy_run(chain_model(), x=X)["y"])


def test_int8_fixture_on_the_stand_in(fixtures_dir):
    data = np.load(fixtures_dir / "int8_cnn.npz", allow_pickle=False)
    delegate = CupyDelegate(device_module=FakeCupy())
    interp = sl.Interpreter(
        model_path=str(fixtures_dir / "int8_cnn.tflite"), experimental_delegates=[delegate]
    )
    assert interp.get_placement().counts() == {"cupy": 9}
    runner = interp.get_signature_runner()
    for i in range(3):
        out = runner(image=data[f"case{i}/in/image"])["output_0"]
        np.testing.assert_array_equal(out, data[f"case{i}/out_ref/output_0"])


def test_ops_option_and_string_options():
    delegate = CupyDelegate(device_module=FakeCupy(), ops=["MUL", "LOGISTIC"], device_outputs="0")
    assert delegate.device_outputs is False
    interp = sl.Interpreter(model=chain_model(), experimental_delegates=[delegate])
    assert interp.get_placement().partitions == [("numpy", [0]), ("cupy", [1, 2])]


def test_without_cupy_loading_by_name_explains(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_cupy(name, *args, **kw):
        if name == "cupy" or name.startswith("cupy."):
            raise ImportError("No module named 'cupy'")
        return real_import(name, *args, **kw)

    monkeypatch.setattr(builtins, "__import__", no_cupy)
    with pytest.raises(sl.DelegateError, match="CuPy"):
        sl.load_delegate("cupy")


# --- real GPU ---------------------------------------------------------------------------------


@pytest.mark.gpu
def test_gpu_results_match_numpy():
    interp = sl.Interpreter(model=chain_model(), delegates=["cupy"])
    assert interp.get_placement().counts() == {"cupy": 3}
    out = interp.get_signature_runner()(x=X)["y"]
    np.testing.assert_allclose(out, numpy_run(chain_model(), x=X)["y"], rtol=1e-5, atol=1e-6)


@pytest.mark.gpu
def test_gpu_device_arrays_in_and_out():
    import cupy

    interp = sl.Interpreter(
        model=chain_model(),
        experimental_delegates=[sl.load_delegate("cupy", {"device_outputs": True})],
    )
    out = interp.get_signature_runner()(x=cupy.asarray(X))["y"]
    assert isinstance(out, cupy.ndarray)
    np.testing.assert_allclose(cupy.asnumpy(out), numpy_run(chain_model(), x=X)["y"], rtol=1e-5)


@pytest.mark.gpu
def test_gpu_int8_fixture_is_bit_exact(fixtures_dir):
    data = np.load(fixtures_dir / "int8_cnn.npz", allow_pickle=False)
    interp = sl.Interpreter(model_path=str(fixtures_dir / "int8_cnn.tflite"), delegates=["cupy"])
    runner = interp.get_signature_runner()
    for i in range(3):
        out = runner(image=data[f"case{i}/in/image"])["output_0"]
        np.testing.assert_array_equal(out, data[f"case{i}/out_ref/output_0"])


@pytest.mark.gpu
def test_gpu_string_hop_model():
    interp = sl.Interpreter(model=string_hop_model(), delegates=["cupy"])
    out = interp.get_signature_runner()(x=X)["y"]
    np.testing.assert_allclose(out, numpy_run(string_hop_model(), x=X)["y"], rtol=1e-6)
