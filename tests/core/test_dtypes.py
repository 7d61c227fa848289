"""dtypes: every TFLite TensorType maps to a name and, where one exists, a numpy dtype."""

import numpy as np
import pytest

import siglite as sl
from siglite import dtypes


def test_codes_match_litert_schema():
    from ai_edge_litert import schema_py_generated as schema

    names = {k: v for k, v in vars(schema.TensorType).items() if not k.startswith("_")}
    for name, code in names.items():
        assert dtypes.from_code(code).tflite_name == name


@pytest.mark.parametrize("np_type", [np.float32, np.int8, np.uint8, np.int32, np.int64, np.bool_])
def test_numpy_round_trip(np_type):
    assert dtypes.as_dtype(np_type).numpy == np.dtype(np_type)


def test_strings_and_handles():
    assert dtypes.as_dtype(bytes) is sl.string
    assert sl.string.details_dtype is np.bytes_
    assert sl.resource.numpy == np.dtype(object)


def test_unmappable_types_raise_clearly():
    with pytest.raises(sl.DTypeError, match="INT4 has no numpy"):
        sl.int4.numpy
    with pytest.raises(sl.DTypeError, match="unknown TFLite tensor type code 99"):
        dtypes.from_code(99)


def test_byte_order_and_bad_values():
    assert dtypes.as_dtype(np.dtype(">f4")) is sl.float32
    assert dtypes.as_dtype(">i8") is sl.int64
    for value in (None, 3.5, "float31", np.dtype("datetime64[s]"), np.void):
        with pytest.raises(sl.DTypeError):
            dtypes.as_dtype(value)


def test_every_type_has_name_and_numpy_or_a_clear_error():
    from ai_edge_litert import schema_py_generated as schema

    codes = [v for k, v in vars(schema.TensorType).items() if not k.startswith("_")]
    for code in codes:
        d = dtypes.from_code(code)
        assert dtypes.as_dtype(d.name) is d and dtypes.as_dtype(d.tflite_name) is d
        try:
            npd = d.numpy
        except sl.DTypeError as e:
            assert d.tflite_name in str(e)
            continue
        if d.name in ("string", "resource", "variant"):
            assert npd == np.dtype(object)  # bytes objects / opaque handles
        else:
            assert dtypes.as_dtype(npd) is d
