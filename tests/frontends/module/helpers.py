"""Shared helpers: convert traced functions and run them in LiteRT and in siglite."""

from __future__ import annotations

import numpy as np
from ai_edge_litert.interpreter import Interpreter as LiteRT
from ai_edge_litert.interpreter import OpResolverType

import siglite as sl


def convert(module, *functions, select=False):
    """TFLite bytes for ``functions`` (concrete functions) of ``module``."""
    converter = sl.lite.TFLiteConverter.from_concrete_functions(list(functions), module)
    if select:
        converter.target_spec.supported_ops = [
            sl.lite.OpsSet.TFLITE_BUILTINS,
            sl.lite.OpsSet.SELECT_TF_OPS,
        ]
    return converter.convert()


def litert(data: bytes) -> LiteRT:
    return LiteRT(
        model_content=data,
        experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
    )


def assert_close(a, b, atol=1e-5):
    if isinstance(a, dict):
        assert sorted(a) == sorted(b)
        for k in a:
            assert_close(a[k], b[k], atol)
        return
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype, (a.dtype, b.dtype)
    assert a.shape == b.shape, (a.shape, b.shape)
    if a.dtype == object or a.dtype.kind in "biu":
        np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_allclose(a, b, atol=atol, rtol=1e-5)


def check_three_ways(module, function, inputs: dict, key="serving_default", data=None):
    """LiteRT, siglite's interpreter and the eager call agree on ``inputs``."""
    data = data if data is not None else convert(module, function.get_concrete_function())
    oracle = litert(data).get_signature_runner(key)(**inputs)
    ours = sl.Interpreter(model_content=data).get_signature_runner(key)(**inputs)
    eager = function(**inputs)
    if not isinstance(eager, dict):
        eager = {"output_0": eager}
    assert_close(ours, oracle)
    assert_close(eager, oracle)
    return oracle
