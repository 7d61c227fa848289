"""ONNX frontend benchmark: conversion time per light model, siglite vs onnxruntime latency.

One benchmark per light_*.onnx model (each a few seconds); prints ratios measured in the same
run and never asserts on speed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

sys.path.insert(0, str(Path(__file__).parent.parent / "frontends" / "onnx"))

from onnx_light_models import LIGHT, random_feeds, with_logits  # noqa: E402

import siglite as sl  # noqa: E402


def _best(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.benchmark
@pytest.mark.parametrize("name", LIGHT)
def test_onnx_light_model_benchmark(name):
    model = with_logits(name)
    feeds = random_feeds(model)
    start = time.perf_counter()
    ir = sl.Converter.from_onnx(model).convert_model()
    content = sl.write_model(ir)
    convert_s = time.perf_counter() - start
    names = dict(zip(feeds, ir.signatures["serving_default"].inputs, strict=True))
    runner = sl.Interpreter(model_content=content).get_signature_runner()
    sl_feeds = {names[k]: v for k, v in feeds.items()}
    runner(**sl_feeds)  # warm-up: planning and first allocation
    options = ort.SessionOptions()
    options.log_severity_level = 3
    sess = ort.InferenceSession(
        model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    sess.run(None, feeds)
    t_sl = _best(lambda: runner(**sl_feeds), 2)
    t_ort = _best(lambda: sess.run(None, feeds), 3)
    print(
        f"\n{name:14} convert {convert_s:6.2f} s | siglite {t_sl * 1e3:8.1f} ms | "
        f"onnxruntime {t_ort * 1e3:7.1f} ms | siglite/onnxruntime {t_sl / t_ort:6.1f}x"
    )
    assert t_sl > 0 and t_ort > 0
