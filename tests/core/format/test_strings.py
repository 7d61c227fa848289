"""String tensor buffers: layout facts, LiteRT's own serializer as the oracle, robustness."""

from __future__ import annotations

import binascii
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siglite.errors import InvalidModelError
from siglite.format.strings import decode_strings, encode_strings

string_util = pytest.importorskip("ai_edge_litert._pywrap_string_util")


def litert_encode(arr: np.ndarray) -> bytes:
    """LiteRT's own DynamicBuffer serialization of a numpy string array."""
    return binascii.unhexlify(string_util.SerializeAsHexString(arr))


def test_documented_example():
    # litert-behaviour.md section 3: ["hello", "", "wörld"] -> count 3, offsets 20, 25, 25, 31
    buf = encode_strings(["hello", "", "wörld"])
    assert struct.unpack_from("<5i", buf) == (3, 20, 25, 25, 31)
    assert len(buf) == 31
    out = decode_strings(buf, (3,))
    assert out.dtype == object and out.tolist() == [b"hello", b"", "wörld".encode()]


def test_matches_litert_serializer_on_example():
    arr = np.array([b"hello", b"", "wörld".encode()], dtype=object)
    assert encode_strings(arr) == litert_encode(arr)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=20), max_size=12))
def test_round_trip_against_litert(items):
    arr = np.empty(len(items), dtype=object)
    arr[:] = items
    expected = litert_encode(arr)
    assert encode_strings(arr) == expected
    assert decode_strings(expected, (len(items),)).tolist() == items


@pytest.mark.parametrize(
    "value",
    [
        np.array([["a", "bc"], ["", "wörld"]]),  # numpy str_
        np.array([[b"a", b"bc"], [b"", "wörld".encode()]]),  # numpy bytes_
        [["a", b"bc"], ["", "wörld"]],  # nested lists, mixed str/bytes
    ],
)
def test_accepts_str_bytes_and_numpy_arrays(value):
    ref = np.array([[b"a", b"bc"], [b"", "wörld".encode()]], dtype=object)
    buf = encode_strings(value)
    assert buf == litert_encode(ref.reshape(-1))
    out = decode_strings(buf, (2, 2))
    assert out.shape == (2, 2) and out.tolist() == ref.tolist()


def test_scalar_string():
    buf = encode_strings("x")
    assert decode_strings(buf, ()).shape == ()
    assert decode_strings(buf, ())[()] == b"x"


def test_decode_accepts_memoryview_slices():
    buf = encode_strings([b"ab", b"c"])
    padded = memoryview(bytearray(b"\0\0\0\0" + buf))[4:]
    assert decode_strings(padded, [2]).tolist() == [b"ab", b"c"]


@pytest.mark.parametrize(
    "buf, shape",
    [
        (b"", (0,)),
        (b"\x01\x00", (1,)),
        (struct.pack("<i", -1), (0,)),
        (struct.pack("<i", 1000) + b"\0" * 8, (1000,)),  # count too big for the buffer
        (struct.pack("<3i", 1, 12, 99), (1,)),  # end offset past the buffer
        (struct.pack("<4i", 2, 16, 14, 16), (2,)),  # decreasing offsets
        (struct.pack("<3i", 1, 4, 12), (1,)),  # first offset inside the header
        (encode_strings([b"a", b"b"]), (3,)),  # count does not match the shape
        (encode_strings([b"a"]), (-1,)),
    ],
)
def test_malformed_buffers_raise_invalid_model(buf, shape):
    with pytest.raises(InvalidModelError):
        decode_strings(buf, shape)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64), st.lists(st.integers(0, 4), max_size=2))
def test_random_bytes_never_crash(buf, shape):
    try:
        out = decode_strings(buf, shape)
    except InvalidModelError:
        return
    assert out.shape == tuple(shape)


def test_reads_litert_strings_through_a_model(tmp_path):
    """A string constant we encode is read back identically by LiteRT's interpreter."""
    from ai_edge_litert.interpreter import Interpreter

    values = np.array([b"hello", b"", "wörld".encode(), b"\x00\xff"], dtype=object)
    model = _identity_model_with_string_constant(encode_strings(values), len(values))
    interp = Interpreter(model_content=model)
    interp.allocate_tensors()
    interp.invoke()
    out = interp.get_tensor(interp.get_output_details()[0]["index"])
    assert out.tolist() == values.tolist()


def _identity_model_with_string_constant(data: bytes, n: int) -> bytes:
    """A one-op model (RESHAPE of a string constant) built with LiteRT's generated schema."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as s

    def tensor(name, dtype, buffer, shape):
        t = s.TensorT()
        t.name, t.type, t.buffer, t.shape = name, dtype, buffer, shape
        return t

    op = s.OperatorT()
    op.opcodeIndex, op.inputs, op.outputs = 0, [0, 1], [2]
    sub = s.SubGraphT()
    sub.tensors = [
        tensor("c", s.TensorType.STRING, 1, [n]),
        tensor("shape", s.TensorType.INT32, 2, [1]),
        tensor("y", s.TensorType.STRING, 0, [n]),
    ]
    sub.inputs, sub.outputs, sub.operators = [], [2], [op]
    code = s.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = s.BuiltinOperator.RESHAPE
    code.version = 1
    buffers = [s.BufferT() for _ in range(3)]
    buffers[1].data = list(data)
    buffers[2].data = list(np.array([n], "<i4").tobytes())
    model = s.ModelT()
    model.version, model.operatorCodes, model.subgraphs, model.buffers = 3, [code], [sub], buffers
    b = flatbuffers.Builder(1024)
    b.Finish(model.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())
