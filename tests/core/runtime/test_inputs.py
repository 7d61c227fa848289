"""Signature-runner input checking: names, dtypes, shapes and array-like conversion."""

from __future__ import annotations

import numpy as np
import pytest
from runtime_models import hashtable_model, if_model, litert

import siglite as sl


@pytest.fixture
def runner():
    return sl.Interpreter(model=if_model()).get_signature_runner("serving_default")


def _error(runner, exc_type, **inputs) -> str:
    with pytest.raises(exc_type) as info:
        runner(**inputs)
    assert isinstance(info.value, ValueError)
    return str(info.value)


def test_unknown_signature_key_names_the_choices():
    interp = sl.Interpreter(model=hashtable_model())
    with pytest.raises(sl.SignatureError, match="'lookup', 'size'"):
        interp.get_signature_runner("lokup")


def test_missing_input(runner):
    msg = _error(runner, sl.SignatureError, cond=np.array(True))
    assert "'serving_default'" in msg and "missing input 'x'" in msg and "float32[-1, 2]" in msg


def test_extra_input(runner):
    msg = _error(
        runner, sl.SignatureError, cond=np.array(True), x=np.zeros((1, 2), np.float32), z=1
    )
    assert "'serving_default'" in msg and "unknown input 'z'" in msg
    assert "cond: bool[]" in msg and "x: float32[-1, 2]" in msg


def test_misspelled_input_suggests_closest(runner):
    msg = _error(runner, sl.SignatureError, cond=np.array(True), xx=np.zeros((1, 2), np.float32))
    assert "unknown input 'xx' (did you mean 'x'?)" in msg and "missing input 'x'" in msg


def test_wrong_dtype_array(runner):
    msg = _error(runner, sl.InputError, cond=np.array(True), x=np.zeros((1, 2), np.float64))
    assert "'serving_default'" in msg and "input 'x'" in msg
    assert "float32[-1, 2]" in msg and "float64" in msg


def test_wrong_rank(runner):
    msg = _error(runner, sl.InputError, cond=np.array(True), x=np.zeros(2, np.float32))
    assert "input 'x'" in msg and "float32[-1, 2]" in msg and "rank 2" in msg and "(2,)" in msg


def test_wrong_fixed_dimension(runner):
    msg = _error(runner, sl.InputError, cond=np.array(True), x=np.zeros((1, 3), np.float32))
    assert "input 'x'" in msg and "dimension 1 must be 2" in msg and "(1, 3)" in msg


def test_lossy_python_values_are_refused(runner):
    msg = _error(runner, sl.InputError, cond=1, x=[[1.0, 2.0]])
    assert "input 'cond'" in msg and "bool[]" in msg
    interp = sl.Interpreter(model=hashtable_model())
    with pytest.raises(sl.InputError, match="input 'key'.*string"):
        interp.get_signature_runner("lookup")(key=[1, 2])


def test_array_likes_are_converted_when_lossless(runner):
    want = runner(cond=np.array(False), x=np.array([[0.5, -3.0], [2.0, 1.0]], np.float32))
    for x in ([[0.5, -3], [2, 1]], ((0.5, -3.0), (2.0, 1.0))):
        got = runner(cond=False, x=x)
        assert got["y"].dtype == np.float32
        np.testing.assert_array_equal(got["y"], want["y"])
    np.testing.assert_array_equal(runner(cond=np.bool_(False), x=x)["y"], want["y"])


def test_outputs_are_fresh_copies_and_sorted(runner):
    x = np.ones((1, 2), np.float32)
    first = runner(cond=True, x=x)
    first["y"][...] = 100
    second = runner(cond=True, x=x)
    assert second["y"].tolist() == [[2.0, 2.0]]
    assert second["y"].flags.owndata and second["y"].flags.writeable


def test_no_shape_check_gap_vs_litert():
    """LiteRT accepts a [1, 3] value for a [-1, 2] input; siglite says what was expected."""
    data = sl.write_model(if_model())
    bad = np.zeros((1, 3), np.float32)
    litert(data).get_signature_runner()(cond=np.array(True), x=bad)  # no error there
    with pytest.raises(ValueError, match="dimension 1 must be 2"):
        sl.Interpreter(model_content=data).get_signature_runner()(cond=True, x=bad)


def test_output_aliasing_an_input():
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("path", sl.string, [])
    y = g.input("x", sl.float32, [2])
    g.output(x, "path_out")
    g.output(g.op("ADD", y, y), "y")
    mb.signature("save", g)
    data = sl.write_model(mb.build())
    ours = sl.Interpreter(model_content=data).get_signature_runner()
    theirs = litert(data).get_signature_runner()
    got = ours(path="model.ckpt", x=[1.0, 2.0])
    want = theirs(path=np.array(b"model.ckpt"), x=np.array([1, 2], np.float32))
    assert got["path_out"].dtype == object and got["path_out"][()] == want["path_out"]
    np.testing.assert_array_equal(got["y"], want["y"])
