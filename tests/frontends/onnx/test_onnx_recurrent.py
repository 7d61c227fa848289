"""ONNX RNN, GRU and LSTM unrolled into builtins, against onnxruntime (and LiteRT) on random
weights, inputs and states."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

import onnx  # noqa: E402
from onnx import numpy_helper  # noqa: E402
from onnx_oracles import assert_close, litert_run, node_model, ort_run, sl_run  # noqa: E402

import siglite as sl  # noqa: E402

GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}
SEQ, BATCH, INPUT, HIDDEN = 4, 3, 5, 6


def make_case(op, direction="forward", layout=0, bias=True, initial=True, peepholes=False,
              weights_as_inputs=False, seed=0, **attrs):  # fmt: skip
    """A model and its feeds: every optional input present or not as asked."""
    rng = np.random.default_rng(seed)
    dirs = 2 if direction == "bidirectional" else 1
    gh = GATES[op] * HIDDEN

    def rand(*shape):
        return (rng.standard_normal(shape) * 0.5).astype(np.float32)

    x = rand(*((SEQ, BATCH) if layout == 0 else (BATCH, SEQ)), INPUT)
    state = (dirs, BATCH, HIDDEN) if layout == 0 else (BATCH, dirs, HIDDEN)
    params = {"W": rand(dirs, gh, INPUT), "R": rand(dirs, gh, HIDDEN)}
    if bias:
        params["B"] = rand(dirs, 2 * gh)
    if initial:
        params["initial_h"] = rand(*state)
        if op == "LSTM":
            params["initial_c"] = rand(*state)
    if peepholes:
        params["P"] = rand(dirs, 3 * HIDDEN)
    order = ["X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P"]
    names = [n if n in params or n == "X" else "" for n in order]
    while names[-1] == "":
        names.pop()
    outputs = ["Y", "Y_h", "Y_c"] if op == "LSTM" else ["Y", "Y_h"]
    feeds = {"X": x}
    consts = {}
    for name, arr in params.items():
        (feeds if weights_as_inputs or name.startswith("initial") else consts)[name] = arr
    model = node_model(op, names, outputs, feeds, consts, direction=direction, layout=layout,
                       hidden_size=HIDDEN, **attrs)  # fmt: skip
    return model, feeds


@pytest.mark.parametrize("op", ["RNN", "GRU", "LSTM"])
@pytest.mark.parametrize("direction", ["forward", "reverse", "bidirectional"])
@pytest.mark.parametrize("layout", [0, 1])
def test_matches_onnxruntime(op, direction, layout):
    model, feeds = make_case(op, direction, layout, seed=len(op) + layout)
    assert_close(sl_run(model, feeds), oracle(model, feeds))


@pytest.mark.parametrize("op", ["RNN", "GRU", "LSTM"])
@pytest.mark.parametrize("initial", [True, False])
def test_run_time_weights_and_states(op, initial):
    model, feeds = make_case(op, "bidirectional", initial=initial, weights_as_inputs=True)
    assert_close(sl_run(model, feeds), oracle(model, feeds))


@pytest.mark.parametrize("op", ["RNN", "GRU", "LSTM"])
def test_without_bias_or_initial_state(op):
    model, feeds = make_case(op, "reverse", bias=False, initial=False)
    assert_close(sl_run(model, feeds), oracle(model, feeds))


@pytest.mark.parametrize("initial", [True, False])
@pytest.mark.parametrize("as_inputs", [True, False])
def test_gru_linear_before_reset(initial, as_inputs):
    model, feeds = make_case("GRU", "bidirectional", initial=initial,
                             weights_as_inputs=as_inputs, linear_before_reset=1)  # fmt: skip
    assert_close(sl_run(model, feeds), oracle(model, feeds))


@pytest.mark.parametrize("initial", [True, False])
def test_lstm_peepholes(initial):
    model, feeds = make_case("LSTM", "bidirectional", initial=initial, peepholes=True)
    assert_close(sl_run(model, feeds), oracle(model, feeds))


@pytest.mark.parametrize(
    ("op", "acts"),
    [("RNN", ["Relu"]), ("GRU", ["Tanh", "Sigmoid"]), ("LSTM", ["Tanh", "Sigmoid", "Relu"])],
)
def test_chosen_activations(op, acts):
    model, feeds = make_case(op, "bidirectional", activations=acts * 2)
    assert_close(sl_run(model, feeds), oracle(model, feeds))


def test_dynamic_batch():
    model, feeds = make_case("LSTM", "forward", initial=False)
    model.graph.input[0].type.tensor_type.shape.dim[1].dim_param = "batch"
    for batch in (1, 5):
        x = np.random.default_rng(batch).standard_normal((SEQ, batch, INPUT)).astype(np.float32)
        assert_close(sl_run(model, {"X": x}), ort_run(model, {"X": x}))


def test_constant_full_sequence_lens_is_accepted():
    model, feeds = make_case("GRU", initial=False)
    lens = np.full(BATCH, SEQ, np.int32)
    model = node_model("GRU", ["X", "W", "R", "", "lens"], ["Y", "Y_h"], feeds,
                       {"W": _init(model, "W"), "R": _init(model, "R"), "lens": lens},
                       hidden_size=HIDDEN)  # fmt: skip
    assert_close(sl_run(model, feeds), oracle(model, feeds))


def oracle(model, feeds):
    """onnxruntime's outputs; it runs only layout 0, so a layout-1 model runs as its layout-0
    twin on transposed inputs, and the outputs are transposed back."""
    node = model.graph.node[0]
    layout = next((a.i for a in node.attribute if a.name == "layout"), 0)
    if layout == 0:
        return ort_run(model, feeds)
    twin = onnx.ModelProto()
    twin.CopyFrom(model)
    twin_node = twin.graph.node[0]
    next(a for a in twin_node.attribute if a.name == "layout").i = 0
    swap = {n: (1, 0, 2) for n in ("X", "initial_h", "initial_c")}
    for init in twin.graph.initializer:
        if init.name in swap:
            arr = numpy_helper.to_array(init).transpose(swap[init.name])
            init.CopyFrom(numpy_helper.from_array(np.ascontiguousarray(arr), init.name))
    for vi in twin.graph.input:
        if vi.name in swap:
            dims = vi.type.tensor_type.shape.dim
            d0, d1 = dims[0].dim_value, dims[1].dim_value
            dims[0].dim_value, dims[1].dim_value = d1, d0
    twin_feeds = {n: a.transpose(swap[n]) if n in swap else a for n, a in feeds.items()}
    outs = ort_run(twin, twin_feeds)
    perms = {"Y": (2, 0, 1, 3), "Y_h": (1, 0, 2), "Y_c": (1, 0, 2)}
    names = [o.name for o in model.graph.output]
    return [o.transpose(perms[n]) for n, o in zip(names, outs, strict=True)]


def _init(model, name):
    return next(numpy_helper.to_array(i) for i in model.graph.initializer if i.name == name)


@pytest.mark.parametrize("op", ["RNN", "GRU", "LSTM"])
def test_litert_runs_the_unrolled_graph(op):
    model, feeds = make_case(op, "bidirectional", layout=1)
    assert_close(litert_run(model, feeds), oracle(model, feeds))


def test_litert_runs_run_time_weights():
    model, feeds = make_case("LSTM", "forward", weights_as_inputs=True, peepholes=True)
    assert_close(litert_run(model, feeds), oracle(model, feeds))


@pytest.mark.parametrize(
    ("op", "attrs", "why"),
    [
        ("LSTM", {"clip": 1.0}, "clip"),
        ("RNN", {"activations": ["Affine"]}, "Affine"),
        ("GRU", {"activation_alpha": [0.5]}, "activation_alpha"),
        ("LSTM", {"input_forget": 1}, "input_forget"),
    ],
)
def test_unsupported_attributes_are_rejected(op, attrs, why):
    model, _ = make_case(op, bias=False, initial=False, **attrs)
    with pytest.raises(sl.SigliteError, match=why):
        sl.Converter.from_onnx(model).convert_model()


def test_run_time_sequence_lens_is_rejected():
    model, feeds = make_case("RNN", initial=False, bias=False)
    lens = np.full(BATCH, SEQ, np.int32)
    consts = {"W": _init(model, "W"), "R": _init(model, "R")}
    feeds = {**feeds, "lens": lens}
    model = node_model("RNN", ["X", "W", "R", "", "lens"], ["Y", "Y_h"], feeds, consts,
                       hidden_size=HIDDEN)  # fmt: skip
    with pytest.raises(sl.SigliteError, match="sequence_lens"):
        sl.Converter.from_onnx(model).convert_model()
