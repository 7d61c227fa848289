"""Detail dicts, signature lists and the classic API against LiteRT on the same files."""

from __future__ import annotations

import numpy as np
import pytest
from runtime_models import counter_model, hashtable_model, if_model, litert, while_model

import siglite as sl

FIXTURES = ["seed_keras_sequential", "int8_cnn"]


def assert_details_equal(ours: dict, theirs: dict) -> None:
    assert list(ours) == list(theirs)
    for key, want in theirs.items():
        got = ours[key]
        if isinstance(want, np.ndarray):
            assert got.dtype == want.dtype and np.array_equal(got, want), key
        elif key == "quantization_parameters":
            assert list(got) == list(want)
            for k, v in want.items():
                if isinstance(v, np.ndarray):
                    assert got[k].dtype == v.dtype and np.array_equal(got[k], v), k
                else:
                    assert got[k] == v and type(got[k]) is type(v), k
        else:
            assert got == want and type(got) is type(want), key


def assert_lists_equal(ours: list, theirs: list) -> None:
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs, strict=True):
        assert_details_equal(a, b)


def pair_from_file(fixtures_dir, name):
    data = (fixtures_dir / f"{name}.tflite").read_bytes()
    return sl.Interpreter(model_path=fixtures_dir / f"{name}.tflite"), litert(data)


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_details_match_litert(fixtures_dir, name):
    ours, theirs = pair_from_file(fixtures_dir, name)
    assert ours.get_signature_list() == theirs.get_signature_list()
    assert ours._get_full_signature_list() == theirs._get_full_signature_list()
    assert ours.num_subgraphs() == theirs.num_subgraphs()
    assert_lists_equal(ours.get_tensor_details(), theirs.get_tensor_details())
    assert_lists_equal(ours.get_input_details(), theirs.get_input_details())
    assert_lists_equal(ours.get_output_details(), theirs.get_output_details())
    for a, b in zip(ours._get_ops_details(), theirs._get_ops_details(), strict=True):
        assert a["op_name"] == b["op_name"] and a["index"] == b["index"]
        assert np.array_equal(a["inputs"], b["inputs"]) and a["inputs"].dtype == b["inputs"].dtype
        assert np.array_equal(a["outputs"], b["outputs"])
        assert a["operand_types"] == b["operand_types"]
        assert a["result_types"] == b["result_types"]
    ra, rb = ours.get_signature_runner(), theirs.get_signature_runner()
    for got, want in ((ra.get_input_details(), rb.get_input_details()),
                      (ra.get_output_details(), rb.get_output_details())):  # fmt: skip
        assert list(got) == list(want)
        for k in want:
            assert_details_equal(got[k], want[k])


@pytest.mark.parametrize("build", [if_model, while_model, counter_model, hashtable_model])
def test_written_model_details_match_litert(build):
    data = sl.write_model(build())
    ours, theirs = sl.Interpreter(model_content=data), litert(data)
    assert ours.get_signature_list() == theirs.get_signature_list()
    assert ours._get_full_signature_list() == theirs._get_full_signature_list()
    for i in range(theirs.num_subgraphs()):
        assert_lists_equal(ours.get_tensor_details(i), theirs.get_tensor_details(i))


def test_keras_sequential_outputs_match_npz(fixtures_dir):
    ref = np.load(fixtures_dir / "seed_keras_sequential.npz", allow_pickle=False)
    interp = sl.Interpreter(model_path=str(fixtures_dir / "seed_keras_sequential.tflite"))
    out = interp.get_signature_runner("serving_default")(x_input=ref["serving_default/in/x_input"])
    np.testing.assert_allclose(out["output_0"], ref["serving_default/out/output_0"], atol=1e-6)


def test_details_follow_runner_shapes(fixtures_dir):
    ours, theirs = pair_from_file(fixtures_dir, "seed_keras_sequential")
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    out_a = ours.get_signature_runner()(x_input=x)
    out_b = theirs.get_signature_runner()(x_input=x)
    np.testing.assert_allclose(out_a["output_0"], out_b["output_0"], rtol=1e-6)
    assert_lists_equal(ours.get_input_details(), theirs.get_input_details())
    assert_lists_equal(ours.get_output_details(), theirs.get_output_details())


def test_classic_api_matches_litert(fixtures_dir):
    data = sl.write_model(while_model())
    results = []
    for interp in (sl.Interpreter(model_content=data), litert(data)):
        interp.allocate_tensors()
        ins = {d["name"]: d["index"] for d in interp.get_input_details()}
        interp.set_tensor(ins["n"], np.array(4, np.int32))
        interp.set_tensor(ins["x"], np.array([1, 0, -1], np.float32))
        interp.invoke()
        outs = [interp.get_tensor(d["index"]) for d in interp.get_output_details()]
        results.append(outs)
    (count_a, y_a), (count_b, y_b) = results
    assert type(count_a) is type(count_b) is np.int32  # 0-d tensors come back as scalars
    assert count_a == count_b
    np.testing.assert_array_equal(y_a, y_b)


def _raises_both(call, exc_type):
    data = sl.write_model(if_model())
    for interp in (sl.Interpreter(model_content=data), litert(data)):
        with pytest.raises(exc_type) as info:
            call(interp)
        yield str(info.value)


def test_set_tensor_errors_match_litert():
    def run(interp, value, index=1, allocate=True):
        if allocate:
            interp.allocate_tensors()
        interp.set_tensor(index, value)

    f64 = np.zeros((1, 2), np.float64)
    for msg in _raises_both(lambda i: run(i, f64), ValueError):
        assert "FLOAT64" in msg and "FLOAT32" in msg
    for msg in _raises_both(lambda i: run(i, np.zeros(2, np.float32)), ValueError):
        assert "Got 1 but expected 2" in msg
    for msg in _raises_both(lambda i: run(i, np.zeros((1, 3), np.float32)), ValueError):
        assert "Got 3 but expected 2 for dimension 1" in msg
    for msg in _raises_both(lambda i: run(i, f64, index=99), ValueError):
        assert "99" in msg
    f32 = np.zeros((1, 2), np.float32)
    for msg in _raises_both(lambda i: run(i, f32, allocate=False), ValueError):
        assert "allocate_tensors" in msg
    list(_raises_both(lambda i: i.invoke(), RuntimeError))
    list(_raises_both(lambda i: i.get_tensor_details(5), ValueError))


def test_strict_resize_matches_litert():
    def resize(interp):
        interp.resize_tensor_input(1, [4, 3], strict=True)

    for msg in _raises_both(resize, RuntimeError):
        assert "dimension 1 of tensor 1" in msg and "-1" in msg
    ours = sl.Interpreter(model=if_model())
    ours.resize_tensor_input(1, [4, 2], strict=True)
    ours.allocate_tensors()
    assert ours.get_input_details()[1]["shape"].tolist() == [4, 2]


def test_runner_key_errors_match_litert():
    data = sl.write_model(counter_model())
    for interp in (sl.Interpreter(model_content=data), litert(data)):
        with pytest.raises(ValueError, match="has 2 Signatures"):
            interp.get_signature_runner()
        with pytest.raises(ValueError, match="None signature_key"):
            interp.get_signature_runner("")
        with pytest.raises(ValueError, match='"nope"'):
            interp.get_signature_runner("nope")


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"experimental_op_resolver_type": 5}, "op resolver type: 5"),
        ({"num_threads": "2"}, "num_threads should be int"),
        ({"num_threads": 0}, "num_threads should >= 1"),
        ({}, "must be specified"),
        ({"model_path": "a.tflite", "model_content": b"x"}, "Can't both provide"),
        ({"model_path": "/nonexistent/model.tflite"}, "/nonexistent/model.tflite"),
        ({"model_content": b"definitely not a model"}, ""),
    ],
)
def test_constructor_validation_matches_litert(kwargs, words):
    with pytest.raises(ValueError, match=words or None):
        sl.Interpreter(**kwargs)
    if LiteRTInterpreter is not None:
        with pytest.raises(ValueError):
            LiteRTInterpreter(**kwargs)


try:
    from ai_edge_litert.interpreter import Interpreter as LiteRTInterpreter
except ImportError:  # pragma: no cover
    LiteRTInterpreter = None


def test_tensor_view_and_unnamed_tensors():
    model = if_model()
    model.subgraphs[0].tensors[-1].name = ""  # the IF output loses its name
    interp = sl.Interpreter(model=model)
    names = [d["name"] for d in interp.get_tensor_details()]
    assert names == ["cond", "x"]
    interp.allocate_tensors()
    view = interp.tensor(1)
    view()[...] = 3.0
    assert interp.get_tensor(1).tolist() == [[3.0, 3.0]]


def test_reset_all_variables_resets_variable_tensors():
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [2])
    state = g.tensor("state", sl.float32, [2], data=np.array([1, 2], np.float32), is_variable=True)
    g.output(g.op("ADD", x, state), "y")
    mb.signature("serving_default", g)
    interp = sl.Interpreter(model=mb.build())
    run = interp.get_signature_runner()
    assert run(x=[1.0, 1.0])["y"].tolist() == [2.0, 3.0]
    interp.tensor(1)()[...] = 10.0
    assert run(x=[1.0, 1.0])["y"].tolist() == [11.0, 11.0]
    interp.reset_all_variables()
    assert run(x=[1.0, 1.0])["y"].tolist() == [2.0, 3.0]
