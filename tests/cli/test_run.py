"""``siglite run``: inputs from JSON, .npy files and @files; outputs printed or saved."""

from __future__ import annotations

import json

import numpy as np
from ai_edge_litert.interpreter import Interpreter as LiteRT
from cli_support import FIXTURES, assert_clean_failure, siglite

CODING = FIXTURES / "seed_saved_model_coding.tflite"
KERAS = FIXTURES / "seed_keras_sequential.tflite"


def _ref(name: str) -> dict[str, np.ndarray]:
    with np.load(FIXTURES / f"{name}.npz", allow_pickle=False) as data:
        return dict(data)


def test_npy_input_and_npz_output_match_tensorflow(tmp_path):
    ref = _ref("seed_saved_model_coding")
    np.save(tmp_path / "x.npy", ref["encode/in/x"])
    out = tmp_path / "out.npz"
    done = siglite("run", CODING, "--signature", "encode", "--input", f"x={tmp_path / 'x.npy'}",
                   "-o", out)  # fmt: skip
    assert done.returncode == 0, done.stderr
    with np.load(out, allow_pickle=False) as got:
        assert got["encoded_result"].tolist() == ref["encode/out/encoded_result"].tolist()


def test_json_string_input_is_converted_and_printed():
    ref = _ref("seed_saved_model_coding")
    strings = [s.decode() for s in ref["decode/in/x"].tolist()]
    done = siglite("run", CODING, "--signature", "decode", "--input", f"x={json.dumps(strings)}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"decoded_result: float32[{len(strings)}]"
    printed = done.stdout.splitlines()[1].strip("[]").split()
    np.testing.assert_allclose([float(v) for v in printed], ref["decode/out/decoded_result"])


def test_at_file_input_with_ints_becomes_float32_like_litert(tmp_path):
    values = [[1, 2, 3, 4], [0, -1, 5, 2]]
    (tmp_path / "x.json").write_text(json.dumps(values))
    out = tmp_path / "out.npz"
    done = siglite("run", KERAS, "--input", f"x_input=@{tmp_path / 'x.json'}", "-o", out)
    assert done.returncode == 0, done.stderr
    oracle = LiteRT(model_path=str(KERAS)).get_signature_runner()
    want = oracle(x_input=np.array(values, np.float32))["output_0"]
    with np.load(out, allow_pickle=False) as got:
        np.testing.assert_allclose(got["output_0"], want, rtol=1e-6)


def test_failures_are_one_line(tmp_path):
    x = "x=[1.0]"
    assert_clean_failure(siglite("run", CODING, "--signature", "nope", "--input", x), "nope")
    assert_clean_failure(siglite("run", CODING, "--input", x), "signature")
    assert_clean_failure(
        siglite("run", CODING, "--signature", "encode", "--input", "y=[1.0]"), "'y'", "x"
    )
    assert_clean_failure(siglite("run", CODING, "--signature", "encode"), "missing input 'x'")
    assert_clean_failure(
        siglite("run", CODING, "--signature", "encode", "--input", "x=[1,"), "not JSON"
    )
    assert_clean_failure(
        siglite("run", CODING, "--signature", "encode", "--input", "x=@nothing.json"), "nothing"
    )
    assert_clean_failure(siglite("run", tmp_path / "none.tflite", "--input", x), "none.tflite")


def test_debug_shows_the_traceback():
    done = siglite("run", CODING, "--signature", "nope", "--debug")
    assert done.returncode == 1 and "Traceback" in done.stderr and "SignatureError" in done.stderr


INT8 = FIXTURES / "int8_cnn.tflite"


def test_integer_inputs_are_not_wrapped_or_truncated(tmp_path):
    """int8 inputs refuse values outside [-128, 127] and fractions instead of wrapping them."""
    done = siglite("run", INT8, "--input", "image=1000")
    assert_clean_failure(done, "'image'", "do not fit int8")
    np.save(tmp_path / "half.npy", np.full((1, 16, 16, 3), 0.5, np.float32))
    done = siglite("run", INT8, "--input", f"image={tmp_path / 'half.npy'}")
    assert_clean_failure(done, "'image'", "whole numbers")


def test_at_file_with_binary_content_is_a_clean_error(tmp_path):
    np.save(tmp_path / "image.npy", np.zeros((1, 16, 16, 3), np.int8))
    done = siglite("run", INT8, "--input", f"image=@{tmp_path / 'image.npy'}")
    assert_clean_failure(done, "not UTF-8 JSON text", "without @")


def test_int8_fixture_on_the_edge_delegate_matches_the_reference(tmp_path):
    ref = _ref("int8_cnn")
    np.save(tmp_path / "image.npy", ref["case0/in/image"])
    out = tmp_path / "out.npz"
    done = siglite("run", INT8, "--delegates", "edge", "--input",
                   f"image={tmp_path / 'image.npy'}", "-o", out)  # fmt: skip
    assert done.returncode == 0, done.stderr
    with np.load(out, allow_pickle=False) as got:
        np.testing.assert_array_equal(got["output_0"], ref["case0/out_ref/output_0"])
