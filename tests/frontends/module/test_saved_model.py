"""sl.saved_model: save -> load -> call equals eager calls; damaged directories fail clearly."""

from __future__ import annotations

import json

import numpy as np
import pytest

import siglite as sl

from .helpers import assert_close

rng = np.random.default_rng(11)


class Net(sl.Module):
    def __init__(self):
        super().__init__()
        self.w = sl.Variable(rng.normal(size=(3, 2)).astype(np.float32), name="w")
        self.steps = sl.Variable(np.int32(0), name="steps")

    @sl.function(input_signature=[sl.TensorSpec([None, 3], sl.float32)])
    def predict(self, x):
        return sl.nn.tanh(x @ self.w)

    @sl.function(
        input_signature=[sl.TensorSpec([None, 3], sl.float32), sl.TensorSpec([], sl.int32)]
    )
    def both(self, x, k):
        self.steps.assign_add(k)
        return x * 2.0, self.steps.read_value()


@pytest.fixture
def saved(tmp_path):
    net = Net()
    sl.saved_model.save(net, tmp_path / "net")
    return net, tmp_path / "net"


def test_manifest_is_readable_json(saved):
    _, path = saved
    manifest = json.loads((path / "saved_model.json").read_text())
    assert manifest["signatures"] == ["both", "predict"]
    assert set(manifest["functions"]) == {"both", "predict"}
    assert (path / manifest["model"]).stat().st_size == manifest["size"]


def test_load_and_call_match_eager(saved):
    net, path = saved
    loaded = sl.saved_model.load(path)
    x = rng.normal(size=(4, 3)).astype(np.float32)
    assert_close(loaded.predict(x), net.predict(x))
    assert_close(loaded.signatures["predict"](x=x), {"output_0": net.predict(x)})
    got = loaded.both(x, np.int32(3))
    want = net.both(x, np.int32(3))
    assert isinstance(got, tuple) and len(got) == 2
    assert_close(got[0], want[0])
    assert_close(got[1], want[1])
    # state is kept across calls of one loaded object, as it is for the eager module
    assert_close(loaded.both(x, np.int32(4))[1], net.both(x, np.int32(4))[1])


def test_default_signature_for_a_single_function(tmp_path):
    class One(sl.Module):
        @sl.function(input_signature=[sl.TensorSpec([2], sl.float32)])
        def f(self, x):
            return {"y": x + 1.0}

    sl.saved_model.save(One(), tmp_path / "one")
    loaded = sl.saved_model.load(tmp_path / "one")
    assert list(loaded.signatures) == ["serving_default"]
    x = np.ones(2, np.float32)
    assert_close(loaded.f(x)["y"], One().f(x)["y"])


@pytest.mark.parametrize(
    "damage",
    ["no_manifest", "garbled_manifest", "wrong_format", "truncated_model", "flipped_byte",
     "no_model", "escaping_path"],
)  # fmt: skip
def test_damaged_directory(saved, damage):
    _, path = saved
    manifest_path = path / "saved_model.json"
    model_path = path / "model.tflite"
    if damage == "no_manifest":
        manifest_path.unlink()
    elif damage == "garbled_manifest":
        manifest_path.write_text("{ not json")
    elif damage == "wrong_format":
        manifest_path.write_text(json.dumps({"format": "something else"}))
    elif damage == "truncated_model":
        model_path.write_bytes(model_path.read_bytes()[:100])
    elif damage == "flipped_byte":
        data = bytearray(model_path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        model_path.write_bytes(bytes(data))
    elif damage == "no_model":
        model_path.unlink()
    else:
        m = json.loads(manifest_path.read_text())
        m["model"] = "../elsewhere.tflite"
        manifest_path.write_text(json.dumps(m))
    with pytest.raises(sl.InvalidModelError) as err:
        sl.saved_model.load(path)
    assert str(path) in str(err.value) or "saved model" in str(err.value)
    with pytest.raises(sl.SigliteError):
        sl.lite.TFLiteConverter.from_saved_model(str(path))


class Callable_(sl.Module):
    def __init__(self):
        super().__init__()
        self.w = sl.Variable(np.float32(1.5), name="w")
        self.shift = sl.function(
            lambda x: {"shifted": x + self.w}, input_signature=[sl.TensorSpec([2], sl.float32)]
        )

    @sl.function(input_signature=[sl.TensorSpec([2], sl.float32, name="in:0")])
    def __call__(self, x):
        return x * self.w


def test_call_and_instance_functions_round_trip(tmp_path):
    m = Callable_()
    sl.saved_model.save(m, tmp_path / "c")
    loaded = sl.saved_model.load(tmp_path / "c")
    assert sorted(loaded.signatures) == ["__call__", "shift"]
    x = rng.normal(size=2).astype(np.float32)
    assert_close(loaded(x), m(x))
    assert_close(loaded.shift(x), m.shift(x))
    with pytest.raises(AttributeError):
        loaded.missing  # noqa: B018


@pytest.mark.parametrize(
    "entry", [["not", "a", "dict"], {"key": 3}, {"key": "predict", "args": "x", "outputs": []}]
)
def test_malformed_function_entry(saved, entry):
    _, path = saved
    manifest_path = path / "saved_model.json"
    m = json.loads(manifest_path.read_text())
    m["functions"]["predict"] = entry
    manifest_path.write_text(json.dumps(m))
    with pytest.raises(sl.InvalidModelError, match="function 'predict' is malformed"):
        sl.saved_model.load(path)
