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
