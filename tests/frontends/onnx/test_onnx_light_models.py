"""Real architectures (onnx's light_*.onnx): siglite matches onnxruntime, and LiteRT runs the
converted files with the same results.

The shipped models fill every weight with one constant (all channels equal, softmax flat), so
each is checked as shipped with its pre-softmax logits as an extra output, and again with random
weights, where a wrong channel order, filter layout or group mapping changes the result.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from onnx_light_models import LIGHT, random_feeds, with_logits, with_random_weights  # noqa: E402

import siglite as sl  # noqa: E402
from siglite.ops import get_op  # noqa: E402


def assert_close(got, ref, what):
    scale = float(np.abs(ref).max()) or 1.0
    np.testing.assert_allclose(got, ref, rtol=1e-3, atol=1e-3 * scale, err_msg=what)


def check_against_oracles(model, label):
    feeds = random_feeds(model)
    options = ort.SessionOptions()
    options.log_severity_level = 3
    sess = ort.InferenceSession(
        model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    refs = sess.run(None, feeds)

    ir = sl.Converter.from_onnx(model).convert_model()
    signature = ir.signatures["serving_default"]
    content = sl.write_model(ir)
    names = dict(zip([vi for vi in feeds], signature.inputs, strict=True))
    sl_feeds = {names[k]: v for k, v in feeds.items()}
    got = sl.Interpreter(model_content=content).get_signature_runner()(**sl_feeds)
    outs = list(signature.outputs)
    assert len(outs) == len(refs)
    for out_name, ref in zip(outs, refs, strict=True):
        assert got[out_name].shape == ref.shape, (label, out_name)
        assert_close(got[out_name], ref, f"{label}: {out_name} vs onnxruntime")

    builtin_only = all(get_op(n.op).opset == "BUILTINS" for sg in ir.subgraphs for n in sg.nodes)
    if not builtin_only:
        return refs
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    lite = Interpreter(
        model_content=content,
        experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
    )
    lite_out = lite.get_signature_runner("serving_default")(**sl_feeds)
    for out_name in outs:
        assert_close(lite_out[out_name], got[out_name], f"{label}: {out_name} LiteRT vs siglite")
    return refs


@pytest.mark.parametrize("name", LIGHT)
def test_light_model_matches_onnxruntime_and_litert(name):
    check_against_oracles(with_logits(name), name)


@pytest.mark.parametrize("name", LIGHT)
def test_light_model_with_random_weights(name):
    refs = check_against_oracles(with_random_weights(name), f"{name} (random weights)")
    # the variant must not be flat, or the comparison could not fail
    logits = refs[-1]
    assert float(np.std(logits)) > 1e-3 * float(np.abs(logits).max()), name
