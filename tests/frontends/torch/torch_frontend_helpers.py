"""Helpers for the PyTorch frontend tests: convert, run in siglite and LiteRT, compare."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from ai_edge_litert.interpreter import Interpreter as LiteRT
from ai_edge_litert.interpreter import OpResolverType

import siglite as sl
from siglite.format import write_model

RTOL = 1e-4


def convert(module: Any, *args: Any, **options: Any) -> tuple[bytes, sl.Model]:
    """The TFLite bytes and the converted IR model."""
    model = sl.Converter.from_torch(module, *args, **options).convert_model()
    return write_model(model), model


def litert(data: bytes) -> LiteRT:
    return LiteRT(
        model_content=data,
        experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
    )


def eager(module: Any, args: tuple, kwargs: dict | None = None) -> list[np.ndarray]:
    """torch's outputs, flattened in signature order."""
    with torch.no_grad():
        out = module(*args, **(kwargs or {}))
    return [leaf.numpy() for leaf in torch.utils._pytree.tree_leaves(out)]


def assert_matches(got: np.ndarray, want: np.ndarray, what: str) -> None:
    """Equal dtype and shape; values within RTOL of the largest reference magnitude."""
    assert got.dtype == want.dtype, (what, got.dtype, want.dtype)
    assert got.shape == want.shape, (what, got.shape, want.shape)
    if want.dtype.kind in "biu":
        np.testing.assert_array_equal(got, want, err_msg=what)
        return
    scale = max(float(np.abs(want).max(initial=0.0)), 1e-6)
    # float16 results are computed in float32 and rounded once: allow one float16 step
    rtol = 2 * float(np.finfo(np.float16).eps) if want.dtype == np.float16 else RTOL
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * scale, err_msg=what)


def feed(names: list[str], args: tuple) -> dict[str, np.ndarray]:
    return {
        n: a.numpy() if hasattr(a, "numpy") else np.asarray(a)
        for n, a in zip(names, args, strict=True)
    }


def check(
    module: Any,
    args: tuple,
    data: bytes,
    model: sl.Model,
    key: str = "serving_default",
    use_litert: bool = True,
    kwargs: dict | None = None,
) -> None:
    """siglite (and LiteRT) give torch eager's outputs for ``args``."""
    sig = model.signatures[key]
    inputs = feed(list(sig.inputs), tuple(args) + tuple((kwargs or {}).values()))
    want = eager(module, args, kwargs)
    assert len(want) == len(sig.outputs)
    runners = [("siglite", sl.Interpreter(model_content=data).get_signature_runner(key))]
    if use_litert:
        runners.append(("litert", litert(data).get_signature_runner(key)))
    for label, runner in runners:
        got = runner(**inputs)
        for name, ref in zip(sig.outputs, want, strict=True):
            assert_matches(np.asarray(got[name]), ref, f"{label} output {name!r}")
