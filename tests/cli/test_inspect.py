"""``siglite inspect``: text and JSON descriptions checked against LiteRT's view of the file."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest
from ai_edge_litert.interpreter import Interpreter as LiteRT
from cli_support import FIXTURES, assert_clean_failure, siglite


@pytest.mark.parametrize("name", ["int8_cnn", "seed_keras_sequential"])
def test_json_matches_litert(name):
    path = FIXTURES / f"{name}.tflite"
    done = siglite("inspect", path, "--json")
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    oracle = LiteRT(model_path=str(path))
    assert {s["key"] for s in info["signatures"]} == set(oracle.get_signature_list())
    for sig in info["signatures"]:
        details = oracle.get_signature_runner(sig["key"]).get_input_details()
        for t in sig["inputs"]:
            assert np.dtype(t["dtype"]) == np.dtype(details[t["name"]]["dtype"])
            assert t["shape"] == details[t["name"]]["shape_signature"].tolist()
    ops = Counter(op["op_name"] for op in oracle._get_ops_details())
    assert info["subgraphs"][0]["ops"] == dict(ops)
    assert info["size"] == path.stat().st_size


def test_text_lists_signatures_ops_tensors_and_metadata():
    done = siglite("inspect", FIXTURES / "seed_saved_model_coding.tflite")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    lines = [ln.split() for ln in out.splitlines()]
    assert ["encode", "input", "x", "float32", "[-1]"] in lines
    assert ["decode", "output", "decoded_result", "float32", "[-1]"] in lines
    assert ["AsString", "1"] in lines and ["StringToNumber", "1"] in lines
    assert "min_runtime_version" in out and out.count("subgraph ") >= 2
    assert "buffers:" in out


def test_placement_on_the_numpy_delegate():
    path = FIXTURES / "int8_cnn.tflite"
    done = siglite("inspect", path, "--delegates", "numpy", "--json")
    assert done.returncode == 0, done.stderr
    placement = json.loads(done.stdout)["placement"]
    nodes = len(LiteRT(model_path=str(path))._get_ops_details())
    assert placement["delegates"] == ["numpy"]
    assert placement["counts"] == {"numpy": nodes}
    text = siglite("inspect", path, "--delegates", "numpy").stdout
    assert f"subgraph 0: numpy[0..{nodes - 1}]" in text


def test_unknown_delegate_is_one_line_error():
    done = siglite("inspect", FIXTURES / "int8_cnn.tflite", "--delegates", "no_such_delegate")
    assert_clean_failure(done, "no_such_delegate")


def test_missing_and_corrupt_models(tmp_path):
    assert_clean_failure(siglite("inspect", tmp_path / "absent.tflite"), "absent.tflite")
    corrupt = tmp_path / "corrupt.tflite"
    corrupt.write_bytes(b"\x10\x00\x00\x00TFL3" + bytes(range(200)))
    assert_clean_failure(siglite("inspect", corrupt))
    truncated = tmp_path / "truncated.tflite"
    truncated.write_bytes((FIXTURES / "int8_cnn.tflite").read_bytes()[:300])
    assert_clean_failure(siglite("inspect", truncated))
