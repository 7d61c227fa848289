"""Helpers for the model format tests: fixtures, LiteRT interpreters, detail comparison.

A plain module (not a conftest) so that its name cannot clash with other test folders.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
ALL_FIXTURES = sorted(p.stem for p in FIXTURES.glob("*.tflite"))
# LiteRT's Python package cannot run Select-TF (Flex) ops: compare these by details only.
FLEX_FIXTURES = ("seed_saved_model_coding", "seed_concrete_coding")


def litert(content: bytes, reference: bool = False):
    """A LiteRT interpreter without the default delegate (``reference``: reference kernels)."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    resolver = (
        OpResolverType.BUILTIN_REF
        if reference
        else OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
    )
    return Interpreter(model_content=content, experimental_op_resolver_type=resolver)


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / f"{name}.tflite").read_bytes()


def fixture_arrays(name: str) -> dict[str, np.ndarray]:
    with np.load(FIXTURES / f"{name}.npz", allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def assert_same_details(a: dict, b: dict) -> None:
    """Two LiteRT tensor-details dicts agree on every field (arrays compared by value)."""
    assert a.keys() == b.keys()
    for key in a:
        x, y = a[key], b[key]
        if key == "quantization_parameters":
            assert x.keys() == y.keys()
            for k in x:
                np.testing.assert_array_equal(x[k], y[k], err_msg=k)
                assert np.asarray(x[k]).dtype == np.asarray(y[k]).dtype, k
        elif isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y, err_msg=key)
            assert x.dtype == y.dtype, key
        else:
            assert x == y, key
