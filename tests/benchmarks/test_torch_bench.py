"""PyTorch frontend: conversion time, and siglite against torch eager on the zoo models."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "frontends" / "torch"))

from torch_frontend_helpers import convert, feed  # noqa: E402
from torch_frontend_zoo import build_zoo  # noqa: E402

import siglite as sl  # noqa: E402


def _best(fn, budget: float = 0.4, at_most: int = 20) -> float:
    """The fastest of repeated calls within a time budget (after one warm-up call)."""
    fn()
    times: list[float] = []
    deadline = time.perf_counter() + budget
    while len(times) < at_most and (not times or time.perf_counter() < deadline):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


@pytest.mark.benchmark
def test_torch_zoo_conversion_and_latency():
    rows = []
    for entry in build_zoo():
        start = time.perf_counter()
        data, model = convert(entry.module, entry.sample_args, dynamic_shapes=entry.dynamic_shapes)
        converted = time.perf_counter() - start
        args = entry.make_inputs(4)
        runner = sl.Interpreter(model_content=data).get_signature_runner()
        inputs = feed(list(model.signatures["serving_default"].inputs), args)
        ours = _best(lambda runner=runner, inputs=inputs: runner(**inputs))
        with torch.no_grad():
            theirs = _best(lambda m=entry.module, a=args: m(*a))
        rows.append((entry.name, converted, ours, theirs))
    print()
    print(
        f"{'model':<12} {'convert s':>9} {'siglite ms':>11} {'torch ms':>9} {'siglite/torch':>14}"
    )
    for name, converted, ours, theirs in rows:
        ratio = ours / theirs
        print(f"{name:<12} {converted:9.2f} {ours * 1e3:11.2f} {theirs * 1e3:9.2f} {ratio:14.2f}x")
