"""Read each TensorFlow-made fixture, write it back, and compare both files in LiteRT."""

from __future__ import annotations

import numpy as np
import pytest
from format_testutil import (
    ALL_FIXTURES,
    FLEX_FIXTURES,
    assert_same_details,
    fixture_arrays,
    fixture_bytes,
    litert,
)

import siglite as sl


@pytest.mark.parametrize("fixture_name", ALL_FIXTURES)
def test_details_survive_round_trip(fixture_name):
    original = fixture_bytes(fixture_name)
    rewritten = sl.write_model(sl.read_model(original))
    a, b = litert(original), litert(rewritten)
    assert a.get_signature_list() == b.get_signature_list()
    assert a.get_signature_list()  # every fixture has signatures
    for key in a.get_signature_list():
        ra, rb = a.get_signature_runner(key), b.get_signature_runner(key)
        for side in ("get_input_details", "get_output_details"):
            da, db = getattr(ra, side)(), getattr(rb, side)()
            assert list(da) == list(db)
            for name in da:
                assert_same_details(da[name], db[name])


@pytest.mark.parametrize("fixture_name", ALL_FIXTURES)
def test_round_trip_is_stable(fixture_name):
    # Writing what was read from our own output gives the same bytes again.
    once = sl.write_model(sl.read_model(fixture_bytes(fixture_name)))
    twice = sl.write_model(sl.read_model(once))
    assert once == twice


def _run(content: bytes, key: str, inputs: dict, reference: bool = False) -> dict:
    return litert(content, reference).get_signature_runner(key)(**inputs)


def test_keras_sequential_outputs_match():
    original = fixture_bytes("seed_keras_sequential")
    rewritten = sl.write_model(sl.read_model(original))
    arrays = fixture_arrays("seed_keras_sequential")
    inputs = {"x_input": arrays["serving_default/in/x_input"]}
    got = _run(rewritten, "serving_default", inputs)
    want = _run(original, "serving_default", inputs)
    np.testing.assert_array_equal(got["output_0"], want["output_0"])
    np.testing.assert_allclose(got["output_0"], arrays["serving_default/out/output_0"], rtol=1e-6)


@pytest.mark.parametrize("case", [0, 1, 2])
def test_int8_cnn_outputs_match(case):
    original = fixture_bytes("int8_cnn")
    rewritten = sl.write_model(sl.read_model(original))
    arrays = fixture_arrays("int8_cnn")
    inputs = {"image": arrays[f"case{case}/in/image"]}
    for reference in (False, True):
        got = _run(rewritten, "serving_default", inputs, reference)["output_0"]
        want = _run(original, "serving_default", inputs, reference)["output_0"]
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got, arrays[f"case{case}/out_ref/output_0"])


def test_weights_read_match_keras():
    model = sl.read_model(fixture_bytes("seed_keras_sequential"))
    arrays = fixture_arrays("seed_keras_sequential")
    consts = [t.data for t in model.subgraphs[0].tensors if t.data is not None]
    for key in ("weights/x/0", "weights/x/1", "weights/output/0", "weights/output/1"):
        w = arrays[key]
        # TFLite stores dense kernels transposed (out, in); biases as they are.
        target = w.T if w.ndim == 2 else w
        assert any(c.shape == target.shape and np.array_equal(c, target) for c in consts), key


def test_fixture_structure_read():
    model = sl.read_model(fixture_bytes("int8_cnn"))
    sg = model.subgraphs[0]
    assert [n.op for n in sg.nodes][:2] == ["CONV_2D", "DEPTHWISE_CONV_2D"]
    fc = next(n for n in sg.nodes if n.op == "FULLY_CONNECTED")
    assert fc.inputs[2] is None  # -1: omitted bias
    conv_w = sg.nodes[0].inputs[1]
    assert conv_w.quantization.per_channel
    assert conv_w.quantization.scales.size == conv_w.shape[0]
    assert model.metadata["min_runtime_version"].rstrip(b"\0") == b"1.14.0"
    assert model.description == "MLIR Converted."
    assert list(model.signatures) == ["serving_default"]
    assert model.signatures["serving_default"].inputs["image"] is sg.inputs[0]


@pytest.mark.parametrize("name", FLEX_FIXTURES)
def test_flex_fixture_signatures(name):
    model = sl.read_model(fixture_bytes(name))
    assert list(model.signatures) == ["decode", "encode"]
    assert model.signatures["encode"].subgraph is model.subgraphs[1]
