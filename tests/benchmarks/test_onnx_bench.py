"""ONNX frontend benchmark: conversion time per light model, siglite vs onnxruntime latency.

Prints ratios measured in the same run; never asserts on speed.
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

# A representative subset that keeps the benchmark near 10 s (the others are heavier).
MODELS = [m for m in LIGHT if m in ("squeezenet", "shufflenet", "inception_v1", "resnet50")]


def _best(fn, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.benchmark
def test_onnx_light_models_benchmark():
    rows = []
    for name in MODELS:
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
        sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
        sess.run(None, feeds)
        t_sl = _best(lambda r=runner, f=sl_feeds: r(**f), 1)
        t_ort = _best(lambda s=sess, f=feeds: s.run(None, f), 3)
        rows.append((name, convert_s, t_sl, t_ort))
    print(f"\n{'model':14} {'convert s':>9} {'siglite ms':>10} {'ort ms':>8} {'siglite/ort':>11}")
    for name, conv, t_sl, t_ort in rows:
        print(f"{name:14} {conv:9.2f} {t_sl * 1e3:10.1f} {t_ort * 1e3:8.1f} {t_sl / t_ort:11.1f}x")
    assert rows
