"""The converter: factories, errors, op-set checks, passes and the signature layout.

Numbers come from LiteRT (or eager runs checked against LiteRT elsewhere), never typed in.
"""

from __future__ import annotations

import numpy as np
import pytest
from ai_edge_litert.interpreter import Interpreter as LiteRT
from ai_edge_litert.interpreter import OpResolverType

import siglite as sl

rng = np.random.default_rng(3)


def _litert(data):
    return LiteRT(
        model_content=data,
        experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
    )


class Coder(sl.Module):
    @sl.function(input_signature=[sl.TensorSpec([None], sl.float32)])
    def encode(self, x):
        return {"encoded": sl.strings.as_string(x)}

    @sl.function(input_signature=[sl.TensorSpec([None], sl.string)])
    def decode(self, x):
        return {"decoded": sl.strings.to_number(x)}


class Arith(sl.Module):
    def __init__(self):
        super().__init__()
        self.w = sl.Variable(rng.normal(size=(3, 3)).astype(np.float32))

    @sl.function(input_signature=[sl.TensorSpec([None, 3], sl.float32)])
    def addmul(self, x):
        k = sl.reduce_sum(sl.transpose(self.w)) * 2.0  # constant: folded at conversion
        a = sl.constant(np.arange(3, dtype=np.float32))
        b = sl.constant(np.arange(3, dtype=np.float32))  # identical to a: deduplicated
        return {"y": sl.nn.relu(x * k + a) - b}

    @sl.function(input_signature=[sl.TensorSpec([None, 3], sl.float32)])
    def other(self, x):
        return {"z": sl.nn.relu6(x @ self.w)}


@pytest.fixture
def saved(tmp_path):
    m = Coder()
    sl.saved_model.save(m, tmp_path / "sm")
    return tmp_path / "sm"


def test_bad_signature_key(saved):
    with pytest.raises(sl.ConverterError) as err:
        sl.lite.TFLiteConverter.from_saved_model(str(saved), signature_keys=["nope"])
    assert str(err.value) == "Invalid signature key 'nope' found. Valid keys are 'decode,encode'."
    assert isinstance(err.value, ValueError)


def test_chosen_signature_only(saved):
    conv = sl.lite.TFLiteConverter.from_saved_model(str(saved), signature_keys=["decode"])
    conv.target_spec.supported_ops = [sl.lite.OpsSet.TFLITE_BUILTINS, sl.lite.OpsSet.SELECT_TF_OPS]
    model = conv.convert_model()
    assert list(model.signatures) == ["decode"]
    assert len(model.subgraphs) == 1 and model.subgraphs[0].name == "main"


def test_select_ops_need_select_tf_ops(saved):
    conv = sl.lite.TFLiteConverter.from_saved_model(str(saved))
    with pytest.raises(sl.ConverterError) as err:
        conv.convert()
    msg = str(err.value)
    assert "AsString" in msg and "StringToNumber" in msg and "SELECT_TF_OPS" in msg
    assert "signature 'encode'" in msg and "signature 'decode'" in msg


def test_from_concrete_functions_rejects_other_things():
    m = Coder()
    with pytest.raises(ValueError, match="get_concrete_function"):
        sl.lite.TFLiteConverter.from_concrete_functions([m.encode])
    with pytest.raises(sl.ConverterError, match="list of ConcreteFunction"):
        sl.lite.TFLiteConverter.from_concrete_functions([lambda x: x])


def test_single_function_is_serving_default_even_without_trackable():
    m = Arith()
    data = sl.lite.TFLiteConverter.from_concrete_functions(
        [m.addmul.get_concrete_function()]
    ).convert()
    assert _litert(data).get_signature_list() == {
        "serving_default": {"inputs": ["x"], "outputs": ["y"]}
    }


def test_passes_fold_fuse_dedupe_and_keep_results():
    m = Arith()
    conv = sl.lite.TFLiteConverter.from_concrete_functions(
        [m.other.get_concrete_function(), m.addmul.get_concrete_function()], m
    )
    model = conv.convert_model()
    addmul = model.signatures["addmul"].subgraph
    ops = [n.op for n in addmul.nodes]
    assert ops == ["MUL", "ADD", "SUB"], ops  # TRANSPOSE/SUM/MUL folded, RELU fused
    assert addmul.nodes[1].attrs["fused_activation"] == "RELU"
    consts = [t for t in addmul.tensors if t.is_constant and t.shape == (3,)]
    assert len(consts) == 1  # a and b merged
    other = model.signatures["other"].subgraph
    assert [(n.op, n.attrs["fused_activation"]) for n in other.nodes] == [
        ("FULLY_CONNECTED", "RELU6")
    ]
    data = conv.convert()
    x = rng.normal(size=(4, 3)).astype(np.float32)
    lite = _litert(data)
    for key, fn in (("addmul", m.addmul), ("other", m.other)):
        want = lite.get_signature_runner(key)(x=x)
        got = fn(x)
        for name in want:
            np.testing.assert_allclose(got[name], want[name], atol=1e-5)


def test_layout_is_alphabetical_with_helpers_last():
    class Branchy(sl.Module):
        @sl.function(input_signature=[sl.TensorSpec([], sl.float32)])
        def zeta(self, x):
            return {"y": sl.cond(x > 0, lambda: x + 1.0, lambda: x - 1.0)}

        @sl.function(input_signature=[sl.TensorSpec([], sl.float32)])
        def alpha(self, x):
            return {"y": x * 3.0}

    m = Branchy()
    data = sl.lite.TFLiteConverter.from_concrete_functions(
        [m.zeta.get_concrete_function(), m.alpha.get_concrete_function()], m
    ).convert()
    lite = _litert(data)
    full = lite._get_full_signature_list()
    assert list(full) == ["alpha", "zeta"]
    assert lite.num_subgraphs() == 4
    model = sl.read_model(data)
    assert [sg.name for sg in model.subgraphs[:2]] == ["alpha", "zeta"]
    for x in (np.float32(2), np.float32(-2)):
        assert lite.get_signature_runner("zeta")(x=x)["y"] == m.zeta(x)["y"]


def test_branch_with_side_effect_survives_dead_code():
    class Gate(sl.Module):
        def __init__(self):
            super().__init__()
            self.v = sl.Variable(np.float32(0), name="gate")

        @sl.function(input_signature=[sl.TensorSpec([], sl.float32)])
        def push(self, x):
            def store():
                self.v.assign(x)

            sl.cond(x > 0, store, lambda: None)
            return {"v": self.v.read_value()}

    m = Gate()
    data = sl.lite.TFLiteConverter.from_concrete_functions(
        [m.push.get_concrete_function()], m
    ).convert()
    for interp in (_litert(data), sl.Interpreter(model_content=data)):
        run = interp.get_signature_runner()
        assert run(x=np.float32(5))["v"] == m.push(np.float32(5))["v"]
        assert run(x=np.float32(-1))["v"] == m.push(np.float32(-1))["v"]


_FUSE_CASES = {
    "concat": lambda a: sl.nn.relu(sl.concat([a, a * 2.0], 3)),
    "max_pool": lambda a: sl.nn.relu6(sl.nn.max_pool2d(a, 2, 2, "VALID")),
    "avg_pool": lambda a: sl.nn.relu(sl.nn.avg_pool2d(a, 2, 2, "VALID")),
    "sub": lambda a: sl.nn.relu(a - np.float32(0.25)),
    "div": lambda a: sl.nn.relu6(a / 0.5),
    "conv_t": lambda a: sl.nn.relu(
        sl.nn.conv2d_transpose(a, np.full((2, 2, 3, 2), -0.2, np.float32), [1, 8, 8, 3], 2)
    ),
}


@pytest.mark.parametrize("case", sorted(_FUSE_CASES))
def test_fused_activations_run_in_litert(case):
    f = sl.function(_FUSE_CASES[case], input_signature=[sl.TensorSpec([1, 4, 4, 2])])
    conv = sl.lite.TFLiteConverter.from_concrete_functions([f.get_concrete_function()])
    ops = [(n.op, n.attrs.get("fused_activation")) for n in conv.convert_model().subgraphs[0].nodes]
    # LiteRT's CONCATENATION refuses a fused activation: the RELU must stay a node
    assert (case == "concat") == any(op in ("RELU", "RELU6") for op, _ in ops), ops
    x = rng.normal(0, 2, size=(1, 4, 4, 2)).astype(np.float32)
    want = _litert(conv.convert()).get_signature_runner()(a=x)["output_0"]
    np.testing.assert_allclose(f(x), want, atol=1e-5)
