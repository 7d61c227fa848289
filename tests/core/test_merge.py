"""Merging models from several frameworks into one multi-signature file.

Every number is checked against an oracle: the source model run alone (in siglite and in
LiteRT), torch eager, onnxruntime.
"""

from __future__ import annotations

import tempfile

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from ai_edge_litert.interpreter import Interpreter as LiteRT
from ai_edge_litert.interpreter import OpResolverType
from onnx import TensorProto, helper, numpy_helper

import siglite as sl

rng = np.random.default_rng(11)
SELECT = [sl.OpsSet.TFLITE_BUILTINS, sl.OpsSet.SELECT_TF_OPS]


def _litert(model_content: bytes) -> LiteRT:
    return LiteRT(
        model_content=model_content,
        experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
    )


def _convert(model: sl.Model, select: bool = False) -> bytes:
    conv = sl.Converter.from_model(model)
    if select:
        conv.target_spec.supported_ops = SELECT
    return conv.convert()


def _saved(module: sl.Module, signatures: dict) -> sl.Model:
    """The IR model of ``module`` saved with ``signatures`` and read back by the converter."""
    with tempfile.TemporaryDirectory() as directory:
        sl.saved_model.save(module, directory, signatures=signatures)
        return sl.Converter.from_saved_model(directory)._model


def _assert_same(a: dict, b: dict) -> None:
    assert sorted(a) == sorted(b)
    for name in a:
        x, y = np.asarray(a[name]), np.asarray(b[name])
        if x.dtype == object or y.dtype == object:
            assert x.tolist() == y.tolist(), name
        else:
            np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-6, err_msg=name)


# -- sources ---------------------------------------------------------------------------------------


class Encoder(torch.nn.Module):
    def __init__(self, weight: np.ndarray | None = None) -> None:
        super().__init__()
        self.fc = torch.nn.Linear(8, 6)
        if weight is not None:
            with torch.no_grad():
                self.fc.weight.copy_(torch.from_numpy(weight))

    def forward(self, x):
        return torch.tanh(self.fc(x))


def _torch_model(weight: np.ndarray | None = None) -> tuple[torch.nn.Module, sl.Model]:
    module = Encoder(weight).eval()
    sample = (torch.zeros(2, 8),)
    return module, sl.Converter.from_torch(module, sample, signature_key="encode")._model


def _onnx_proto(weight: np.ndarray, bias: np.ndarray) -> onnx.ModelProto:
    """``softmax(x @ weight.T + bias)`` as a Gemm with transB (weight stored as [out, in])."""
    nodes = [
        helper.make_node("Gemm", ["x", "w", "b"], ["logits"], transB=1),
        helper.make_node("Softmax", ["logits"], ["probs"], axis=-1),
    ]
    graph = helper.make_graph(
        nodes,
        "classify",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, weight.shape[1]])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, [2, weight.shape[0]])],
        initializer=[numpy_helper.from_array(weight, "w"), numpy_helper.from_array(bias, "b")],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def _onnx_model(weight: np.ndarray, bias: np.ndarray) -> tuple[onnx.ModelProto, sl.Model]:
    proto = _onnx_proto(weight, bias)
    return proto, sl.Converter.from_onnx(proto, signature_key="classify")._model


class Formatter(sl.Module):
    @sl.function(input_signature=[sl.TensorSpec([None], sl.float32)])
    def format(self, x):
        return {"text": sl.strings.as_string(x * 2.0)}


def _module_model() -> sl.Model:
    m = Formatter()
    return _saved(m, {"format": m.format.get_concrete_function()})


@pytest.fixture(scope="module")
def three():
    """The torch, ONNX and siglite sources (framework object, IR model) and inputs."""
    torch_module, torch_model = _torch_model()
    w = rng.normal(size=(4, 8)).astype(np.float32)
    b = rng.normal(size=4).astype(np.float32)
    proto, onnx_model = _onnx_model(w, b)
    inputs = {
        "encode": {"x": rng.normal(size=(2, 8)).astype(np.float32)},
        "classify": {"x": rng.normal(size=(2, 8)).astype(np.float32)},
        "format": {"x": rng.normal(size=5).astype(np.float32)},
    }
    return torch_module, torch_model, proto, onnx_model, _module_model(), inputs


# -- (1) three frameworks in one file ----------------------------------------------------------


def test_three_frameworks_in_one_file(three):
    torch_module, torch_model, proto, onnx_model, module_model, inputs = three
    sources = {"torch": torch_model, "onnx": onnx_model, "module": module_model}
    conv = sl.Converter.from_models(sources)
    conv.target_spec.supported_ops = SELECT
    merged = conv.convert()

    interp = sl.Interpreter(model_content=merged)
    assert list(interp.get_signature_list()) == ["classify", "encode", "format"]
    assert sl.read_model(merged).signature_index("format") == 2  # signature i = subgraph i
    got = {k: interp.get_signature_runner(k)(**inputs[k]) for k in inputs}

    alone = {
        "encode": _convert(torch_model),
        "classify": _convert(onnx_model),
        "format": _convert(module_model, select=True),
    }
    for key, data in alone.items():
        _assert_same(got[key], sl.Interpreter(model_content=data).get_signature_runner(key)(
            **inputs[key]
        ))  # fmt: skip

    with torch.no_grad():
        eager = torch_module(torch.from_numpy(inputs["encode"]["x"])).numpy()
    np.testing.assert_allclose(got["encode"]["output_0"], eager, rtol=1e-5, atol=1e-6)
    (probs,) = ort.InferenceSession(proto.SerializeToString()).run(None, inputs["classify"])
    np.testing.assert_allclose(got["classify"]["probs"], probs, rtol=1e-5, atol=1e-6)
    texts = np.char.mod("%f", inputs["format"]["x"] * 2.0)
    assert got["format"]["text"].tolist() == [s.encode() for s in texts]


def test_builtin_signatures_match_litert(three):
    _, torch_model, _, onnx_model, module_model, inputs = three
    merged = sl.Converter.from_models({"torch": torch_model, "onnx": onnx_model}).convert()
    lite = _litert(merged)
    assert lite.get_signature_list() == sl.Interpreter(model_content=merged).get_signature_list()
    ours = sl.Interpreter(model_content=merged)
    for key in ("encode", "classify"):
        expected = _litert(_convert(torch_model if key == "encode" else onnx_model))
        want = expected.get_signature_runner(key)(**inputs[key])
        _assert_same(lite.get_signature_runner(key)(**inputs[key]), want)
        _assert_same(ours.get_signature_runner(key)(**inputs[key]), want)


def test_from_models_accepts_converters_bytes_and_paths(three, tmp_path):
    _, torch_model, proto, _, module_model, inputs = three
    path = tmp_path / "encode.tflite"
    path.write_bytes(_convert(torch_model))
    formatted = sl.Converter.from_model(_module_model())
    sources = {
        "torch": str(path),
        "onnx": sl.Converter.from_onnx(proto, signature_key="classify"),
        "module": formatted,
        "bytes": _convert(_torch_model()[1]).replace(b"encode", b"encod2"),
    }
    conv = sl.Converter.from_models(sources)
    with pytest.raises(sl.ConverterError, match="AsString"):
        conv.convert()  # the merged converter's target spec applies to every source
    conv.target_spec.supported_ops = SELECT
    interp = sl.Interpreter(model_content=conv.convert())
    assert sorted(interp.get_signature_list()) == ["classify", "encod2", "encode", "format"]
    want = sl.Interpreter(model_path=str(path)).get_signature_runner("encode")(**inputs["encode"])
    _assert_same(interp.get_signature_runner("encode")(**inputs["encode"]), want)


def test_bad_sources():
    with pytest.raises(sl.ConverterError, match="'x'.*int"):
        sl.Converter.from_models({"x": 3})
    with pytest.raises(sl.ConverterError, match="no models"):
        sl.merge_models([])
    with pytest.raises(sl.ConverterError, match="on_conflict"):
        sl.merge_models([_module_model()], on_conflict="skip")


# -- (2) resource variables stay apart ------------------------------------------------------------


class Counter(sl.Module):
    def __init__(self, step: float) -> None:
        super().__init__()
        self.step = step
        self.count = sl.Variable(np.zeros((), np.float32), name="count")

    @sl.function(input_signature=[sl.TensorSpec([], sl.float32)])
    def add(self, x):
        self.count.assign_add(x * self.step)
        return {"count": self.count.read_value()}


def _counter(step: float, key: str) -> sl.Model:
    m = Counter(step)
    model = _saved(m, {key: m.add.get_concrete_function()})
    # A separate conversion (another process, another file) names its variable "count" too.
    for sg in model.subgraphs:
        for n in sg.nodes:
            if n.op == "VAR_HANDLE":
                n.attrs["shared_name"] = "count"
    return model


CALLS = ["up", "down", "up", "up", "down", "up"]


def _run_counters(interp, calls=CALLS):
    return [
        interp.get_signature_runner(k)(x=np.float32(i + 1))["count"] for i, k in enumerate(calls)
    ]


@pytest.mark.parametrize("interpreter", [sl.Interpreter, _litert], ids=["siglite", "litert"])
def test_variables_of_two_models_stay_apart(interpreter):
    up, down = _counter(1.0, "up"), _counter(-10.0, "down")
    merged = sl.Converter.from_models({"a": up, "b": down}).convert()
    got = _run_counters(interpreter(model_content=merged))
    alone = {"up": _convert(up), "down": _convert(down)}
    runners = {k: interpreter(model_content=d).get_signature_runner(k) for k, d in alone.items()}
    want = [runners[k](x=np.float32(i + 1))["count"] for i, k in enumerate(CALLS)]
    np.testing.assert_array_equal(np.array(got), np.array(want))


class BothWays(sl.Module):
    """One model whose two signatures share one counter: what deliberate sharing must give."""

    def __init__(self) -> None:
        super().__init__()
        self.count = sl.Variable(np.zeros((), np.float32), name="count")

    @sl.function(input_signature=[sl.TensorSpec([], sl.float32)])
    def up(self, x):
        self.count.assign_add(x)
        return {"count": self.count.read_value()}

    @sl.function(input_signature=[sl.TensorSpec([], sl.float32)])
    def down(self, x):
        self.count.assign_add(x * -10.0)
        return {"count": self.count.read_value()}


@pytest.mark.parametrize("interpreter", [sl.Interpreter, _litert], ids=["siglite", "litert"])
def test_shared_variables_alias_when_asked(interpreter):
    up, down = _counter(1.0, "up"), _counter(-10.0, "down")
    conv = sl.Converter.from_models({"a": up, "b": down}, share_variables=["count"])
    shared = conv.convert()
    m = BothWays()
    oracle = _saved(m, {"up": m.up.get_concrete_function(), "down": m.down.get_concrete_function()})
    for calls in (CALLS, CALLS[::-1]):  # whichever model runs first, the value is set once
        want = _run_counters(interpreter(model_content=_convert(oracle)), calls)
        assert _run_counters(interpreter(model_content=shared), calls) == want
    handles = [
        n for sg in sl.read_model(shared).subgraphs for n in sg.nodes if n.op == "VAR_HANDLE"
    ]
    assert {n.attrs["shared_name"] for n in handles} == {"count"}
    with pytest.raises(sl.ConverterError, match="'cnt', which no model uses.*'count'"):
        sl.merge_models([up, down], share_variables="cnt")


class Vocab(sl.Module):
    def __init__(self, words: list[bytes]) -> None:
        super().__init__()
        keys = np.array(words, object)
        init = sl.lookup.KeyValueTensorInitializer(keys, np.arange(len(words), dtype=np.int64))
        self.table = sl.lookup.StaticHashTable(init, default_value=-1)

    @sl.function(input_signature=[sl.TensorSpec([None], sl.string)])
    def lookup(self, words):
        return {"ids": self.table.lookup(words)}


@pytest.mark.parametrize("interpreter", [sl.Interpreter, _litert], ids=["siglite", "litert"])
def test_hash_tables_of_two_models_stay_apart(interpreter):
    first, second = Vocab([b"a", b"bb", b"ccc"]), Vocab([b"ccc", b"a", b"zz", b"bb"])
    models = {
        "first": _saved(first, {"first": first.lookup.get_concrete_function()}),
        "second": _saved(second, {"second": second.lookup.get_concrete_function()}),
        "counter": _counter(1.0, "up"),  # its variable must not take a table's resource id
    }
    merged_model = sl.Converter.from_models(models).convert_model()
    table_ids = [n.attrs["table_id"] for sg in merged_model.subgraphs for n in sg.nodes
                 if n.op == "HASHTABLE"]  # fmt: skip
    assert len(set(table_ids)) == 2
    merged = interpreter(model_content=sl.write_model(merged_model))
    words = np.array([b"zz", b"a", b"bb", b"q", b"ccc"], dtype=object)
    alone = {
        key: interpreter(model_content=_convert(models[source])).get_signature_runner(key)
        for key, source in (("first", "first"), ("second", "second"), ("up", "counter"))
    }
    for _ in range(2):
        for key, runner in alone.items():
            inputs = {"x": np.float32(2.0)} if key == "up" else {"words": words}
            _assert_same(merged.get_signature_runner(key)(**inputs), runner(**inputs))


def test_merging_leaves_sources_unchanged():
    up, down = _counter(1.0, "up"), _counter(-10.0, "down")
    before = (str(up), str(down))
    sl.merge_models({"a": up, "b": down})
    assert (str(up), str(down)) == before


# -- (3) control flow keeps its subgraphs ---------------------------------------------------------


class Flow(sl.Module):
    def __init__(self, scale: float) -> None:
        super().__init__()
        self.scale = scale

    @sl.function(input_signature=[sl.TensorSpec([None], sl.float32)])
    def run(self, x):
        y = sl.cond(sl.reduce_sum(x) > 0, lambda: x * self.scale, lambda: x - self.scale)
        _, s = sl.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s + y), [sl.constant(0), y])
        return {"y": s}


def _flow(scale: float) -> sl.Model:
    m = Flow(scale)
    return _saved(m, {"run": m.run.get_concrete_function()})


@pytest.mark.parametrize("interpreter", [sl.Interpreter, _litert], ids=["siglite", "litert"])
def test_control_flow_after_merging(interpreter):
    first, second = _flow(2.0), _flow(-3.0)
    merged_model = sl.Converter.from_models(
        {"first": first, "second": second}, on_conflict="rename"
    ).convert_model()
    assert list(merged_model.signatures) == ["first_run", "second_run"]
    ifs = [n for sg in merged_model.subgraphs for n in sg.nodes if n.op == "IF"]
    assert {n.attrs["then_subgraph_index"] for n in ifs} == {2, 6}  # helpers after entries
    merged = interpreter(model_content=sl.write_model(merged_model))
    for source, key in ((first, "first_run"), (second, "second_run")):
        alone = interpreter(model_content=_convert(source)).get_signature_runner("run")
        for x in ([1.0, 2.0, 3.0], [-4.0, 1.0]):
            arr = np.array(x, np.float32)
            _assert_same(merged.get_signature_runner(key)(x=arr), alone(x=arr))


# -- (4) key collisions ---------------------------------------------------------------------------


def test_key_collision_names_key_and_sources():
    with pytest.raises(sl.ConverterError) as err:
        sl.merge_models({"first": _flow(1.0), "second": _flow(2.0)})
    msg = str(err.value)
    assert "'run'" in msg and "'first'" in msg and "'second'" in msg
    with pytest.raises(sl.ConverterError, match="'run'.*'model0'.*'model1'"):
        sl.merge_models([_flow(1.0), _flow(2.0)])


def test_rename_prefixes_colliding_keys_only():
    merged = sl.merge_models(
        {"a": _flow(1.0), "b": _flow(2.0), "c": _counter(1.0, "up")}, on_conflict="rename"
    )
    assert list(merged.signatures) == ["a_run", "b_run", "up"]
    assert [merged.signature_index(k) for k in merged.signatures] == [0, 1, 2]
    assert all(s.key == k for k, s in merged.signatures.items())


# -- (5) equal weights stored once, metadata ------------------------------------------------------


def test_shared_weight_stored_once():
    weight = rng.normal(size=(256, 256)).astype(np.float32)
    torch_module = Encoder.__new__(Encoder)
    torch.nn.Module.__init__(torch_module)
    torch_module.fc = torch.nn.Linear(256, 256)
    with torch.no_grad():
        torch_module.fc.weight.copy_(torch.from_numpy(weight))
    torch_model = sl.Converter.from_torch(
        torch_module.eval(), (torch.zeros(2, 256),), signature_key="encode"
    )._model
    _, onnx_model = _onnx_model(weight, rng.normal(size=256).astype(np.float32))
    sizes = [len(_convert(torch_model)), len(_convert(onnx_model))]
    assert min(sizes) > weight.nbytes
    merged = sl.Converter.from_models({"torch": torch_model, "onnx": onnx_model}).convert()
    assert len(merged) < sum(sizes) - weight.nbytes + 1024
    lite = _litert(merged)
    x = rng.normal(size=(2, 256)).astype(np.float32)
    with torch.no_grad():
        eager = torch_module(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(lite.get_signature_runner("encode")(x=x)["output_0"], eager,
                               rtol=1e-5, atol=1e-5)  # fmt: skip


def test_metadata_takes_the_highest_runtime_version():
    a, b = _flow(1.0), _counter(1.0, "up")
    a.metadata["min_runtime_version"] = b"1.14.0".ljust(16, b"\0")
    b.metadata["min_runtime_version"] = b"2.3.0".ljust(16, b"\0")
    a.metadata["note"], b.metadata["note"] = b"first", b"second"
    merged = sl.read_model(sl.write_model(sl.merge_models([a, b])))
    assert merged.metadata["min_runtime_version"].rstrip(b"\0") == b"2.3.0"
    assert merged.metadata["note"] == b"first"
