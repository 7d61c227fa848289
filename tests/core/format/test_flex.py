"""Flex custom options and the NodeDef codec, checked against TF-written fixtures and against
the protobuf runtime (a NodeDef-compatible message type built from a descriptor)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import siglite.dtypes as sl
from siglite.errors import InvalidModelError
from siglite.format.flex import (
    decode_flex_nodedef,
    decode_flex_options,
    encode_flex_nodedef,
    encode_flex_options,
)
from siglite.format.nodedef import (
    TF_DTYPE_CODES,
    NodeDef,
    RawAttr,
    decode_attr,
    decode_nodedef,
    encode_attr,
    encode_nodedef,
)

schema = pytest.importorskip("ai_edge_litert.schema_py_generated")
FIXTURES = Path(__file__).parents[2] / "fixtures"


def flex_nodes(name: str) -> list[tuple[str, bytes, int]]:
    """(custom code, custom options, input count) of every custom op in a fixture."""
    model = schema.Model.GetRootAs((FIXTURES / f"{name}.tflite").read_bytes(), 0)
    codes = [model.OperatorCodes(i).CustomCode() for i in range(model.OperatorCodesLength())]
    out = []
    for g in range(model.SubgraphsLength()):
        sub = model.Subgraphs(g)
        for i in range(sub.OperatorsLength()):
            op = sub.Operators(i)
            code = codes[op.OpcodeIndex()]
            if code:
                out.append((code.decode(), bytes(op.CustomOptionsAsNumpy()), op.InputsLength()))
    return out


FIXTURE_NODES = [
    n for f in ("seed_saved_model_coding", "seed_concrete_coding") for n in flex_nodes(f)
]


# ------------------------------------------------------------------ protobuf oracle


@pytest.fixture(scope="module")
def pb():
    """Message classes with TF's NodeDef/AttrValue field numbers (attr_value.proto etc.)."""
    descriptor_pb2 = pytest.importorskip("google.protobuf.descriptor_pb2")
    from google.protobuf import descriptor_pool, message_factory

    F = descriptor_pb2.FieldDescriptorProto
    fdp = descriptor_pb2.FileDescriptorProto(name="siglite_test_nodedef.proto", package="t")
    fdp.syntax = "proto3"

    def msg(parent, name, fields, map_entry=False):
        m = parent.add(name=name)
        if map_entry:
            m.options.map_entry = True
        for fname, num, ftype, label, tname in fields:
            f = m.field.add(name=fname, number=num, type=ftype, label=label)
            if tname:
                f.type_name = tname
        return m

    OPT, REP = F.LABEL_OPTIONAL, F.LABEL_REPEATED
    shape = msg(fdp.message_type, "TensorShapeProto", [
        ("dim", 2, F.TYPE_MESSAGE, REP, ".t.TensorShapeProto.Dim"),
        ("unknown_rank", 3, F.TYPE_BOOL, OPT, None),
    ])  # fmt: skip
    msg(shape.nested_type, "Dim", [
        ("size", 1, F.TYPE_INT64, OPT, None), ("name", 2, F.TYPE_STRING, OPT, None),
    ])  # fmt: skip
    attr = msg(fdp.message_type, "AttrValue", [
        ("list", 1, F.TYPE_MESSAGE, OPT, ".t.AttrValue.ListValue"),
        ("s", 2, F.TYPE_BYTES, OPT, None), ("i", 3, F.TYPE_INT64, OPT, None),
        ("f", 4, F.TYPE_FLOAT, OPT, None), ("b", 5, F.TYPE_BOOL, OPT, None),
        ("type", 6, F.TYPE_INT32, OPT, None),
        ("shape", 7, F.TYPE_MESSAGE, OPT, ".t.TensorShapeProto"),
    ])  # fmt: skip
    attr.oneof_decl.add(name="value")
    for f in attr.field:
        f.oneof_index = 0
    msg(attr.nested_type, "ListValue", [
        ("s", 2, F.TYPE_BYTES, REP, None), ("i", 3, F.TYPE_INT64, REP, None),
        ("f", 4, F.TYPE_FLOAT, REP, None), ("b", 5, F.TYPE_BOOL, REP, None),
        ("type", 6, F.TYPE_INT32, REP, None),
        ("shape", 7, F.TYPE_MESSAGE, REP, ".t.TensorShapeProto"),
    ])  # fmt: skip
    node = msg(fdp.message_type, "NodeDef", [
        ("name", 1, F.TYPE_STRING, OPT, None), ("op", 2, F.TYPE_STRING, OPT, None),
        ("input", 3, F.TYPE_STRING, REP, None), ("device", 4, F.TYPE_STRING, OPT, None),
        ("attr", 5, F.TYPE_MESSAGE, REP, ".t.NodeDef.AttrEntry"),
    ])  # fmt: skip
    msg(node.nested_type, "AttrEntry", [
        ("key", 1, F.TYPE_STRING, OPT, None), ("value", 2, F.TYPE_MESSAGE, OPT, ".t.AttrValue"),
    ], map_entry=True)  # fmt: skip
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    get = message_factory.GetMessageClass
    return {
        "NodeDef": get(pool.FindMessageTypeByName("t.NodeDef")),
        "AttrValue": get(pool.FindMessageTypeByName("t.AttrValue")),
    }


def from_proto(av) -> object:
    """An AttrValue message, as siglite represents the value (the oracle's reading)."""
    tf_types = {c: d for d, c in TF_DTYPE_CODES.items()}

    def text(b):
        try:
            return b.decode()
        except UnicodeDecodeError:
            return b

    def shape(s):
        return None if s.unknown_rank else tuple(d.size for d in s.dim)

    kind = av.WhichOneof("value")
    if kind == "list":
        lv = av.list
        for name, conv in (("s", text), ("i", int), ("f", float), ("b", bool)):
            if len(getattr(lv, name)):
                return [conv(v) for v in getattr(lv, name)]
        if len(lv.type):
            return [tf_types[t] for t in lv.type]
        return [shape(s) for s in lv.shape]
    value = getattr(av, kind)
    return {"s": text, "type": tf_types.get, "shape": shape}.get(kind, lambda v: v)(value)


# ------------------------------------------------------------------ fixtures


def test_fixture_ops_and_attrs():
    ops = {decode_flex_options(opts)[0]: code for code, opts, _ in FIXTURE_NODES}
    assert ops == {"AsString": "FlexAsString", "StringToNumber": "FlexStringToNumber"}
    for _, opts, _ in FIXTURE_NODES:
        op, attrs = decode_flex_options(opts)
        if op == "AsString":
            # the attrs of tf.strings.as_string, all at TF's defaults for a float32 input
            assert attrs == {
                "T": sl.float32, "precision": -1, "scientific": False, "shortest": False,
                "width": -1, "fill": "",
            }  # fmt: skip
        else:
            assert attrs == {"out_type": sl.float32}


@pytest.mark.parametrize("index", range(len(FIXTURE_NODES)))
def test_fixture_nodedef_matches_protobuf(pb, index):
    _, opts, num_inputs = FIXTURE_NODES[index]
    op, node = decode_flex_nodedef(opts)
    # the protobuf runtime reads the fixture NodeDef the same way we do
    raw = pb["NodeDef"]()
    raw.ParseFromString(_nodedef_bytes(opts))
    assert raw.op == node.op == op and list(raw.input) == node.inputs == [""] * num_inputs
    assert raw.name == node.name == ""
    assert {k: from_proto(v) for k, v in raw.attr.items()} == node.attrs
    assert _nodedef_bytes(opts) == encode_nodedef(node)


def _nodedef_bytes(opts: bytes) -> bytes:
    """Element 1 read by the flatbuffers package's own flexbuffer reader, as raw bytes."""
    from flatbuffers import flexbuffers

    ref = flexbuffers.GetRoot(bytearray(opts)).AsVector[1]
    assert ref.IsString
    return bytes(ref.AsStringBytes)


@pytest.mark.parametrize("index", range(len(FIXTURE_NODES)))
def test_fixture_options_round_trip_byte_for_byte(index):
    _, opts, num_inputs = FIXTURE_NODES[index]
    op, node = decode_flex_nodedef(opts)
    assert encode_flex_nodedef(op, node) == opts
    again = encode_flex_options(op, node.attrs, num_inputs, nodedef_extra=node.unknown)
    assert again == opts
    # without the debug info TF adds, the options still decode to the same op and attrs
    plain = encode_flex_options(op, *decode_flex_options(opts)[1:], num_inputs)
    assert decode_flex_options(plain) == decode_flex_options(opts)


def test_written_options_are_a_flexbuffer_string_vector():
    from flatbuffers import flexbuffers

    opts = encode_flex_options("StringToNumber", {"out_type": sl.int64}, 1)
    vec = flexbuffers.GetRoot(bytearray(opts)).AsVector
    assert len(vec) == 2 and all(vec[i].IsString for i in range(2))
    assert vec[0].AsString == "StringToNumber"
    # this NodeDef happens to be ASCII, so the generic decoder can read it too
    assert flexbuffers.Loads(opts)[1].encode() == _nodedef_bytes(opts)


# ------------------------------------------------------------------ attr values vs protobuf

texts = st.text(max_size=8) | st.binary(max_size=8).filter(lambda b: _not_utf8(b))
int64s = st.integers(-(2**63), 2**63 - 1)
floats32 = st.floats(width=32, allow_nan=False)
types = st.sampled_from(sorted(TF_DTYPE_CODES, key=lambda d: d.code))
shapes = st.none() | st.tuples() | st.lists(st.integers(-1, 2**40), max_size=4).map(tuple)
scalars = texts | int64s | floats32 | st.booleans() | types | shapes
lists = st.one_of(
    *(st.lists(s, min_size=1, max_size=4) for s in (texts, int64s, floats32, st.booleans(), types))
) | st.lists(shapes, min_size=1, max_size=3)
values = scalars | lists | st.just([])


def _not_utf8(b: bytes) -> bool:
    try:
        b.decode()
    except UnicodeDecodeError:
        return True
    return False


@settings(max_examples=300, deadline=None)
@given(values)
def test_attr_values_agree_with_protobuf(pb, value):
    data = encode_attr(value)
    msg = pb["AttrValue"].FromString(data)
    if value == []:
        assert msg.WhichOneof("value") == "list"
    else:
        assert from_proto(msg) == value
    # the protobuf runtime's own serialization decodes to the same value
    assert decode_attr(msg.SerializeToString()) == value
    assert decode_attr(data) == value


@settings(max_examples=100, deadline=None)
@given(
    st.text(min_size=1, max_size=12),
    st.dictionaries(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), values, max_size=4),
    st.integers(0, 4),
)
def test_nodedef_agrees_with_protobuf(pb, op, attrs, num_inputs):
    node = NodeDef(op=op, attrs=attrs, inputs=[""] * num_inputs)
    data = encode_nodedef(node)
    msg = pb["NodeDef"].FromString(data)
    assert msg.op == op and list(msg.input) == node.inputs and msg.name == ""
    assert set(msg.attr) == set(attrs)
    theirs = decode_nodedef(msg.SerializeToString(deterministic=True))
    assert theirs.op == op and theirs.attrs == attrs
    opts = encode_flex_options(op, attrs, num_inputs)
    assert decode_flex_options(opts) == (op, attrs)


def test_unknown_attr_kinds_are_kept_raw(pb):
    # AttrValue.placeholder (field 9) and func (10) have no siglite mapping
    placeholder = b"\x4a\x03foo"
    func = b"\x52\x05\x0a\x03f_1"
    unknown_type = b"\x30\x0b"  # DT_QINT8
    for raw in (placeholder, func, unknown_type):
        value = decode_attr(raw)
        assert isinstance(value, RawAttr) and encode_attr(value) == raw
    node = NodeDef(op="X", attrs={"f": RawAttr(func)}, inputs=[""])
    assert decode_nodedef(encode_nodedef(node)).attrs == {"f": RawAttr(func)}


# ------------------------------------------------------------------ robustness


@pytest.mark.parametrize(
    "opts",
    [
        b"",
        b"\x01",
        b"\x00\x28\x01",
        b"\x05hello\x00\x01\x07\x14\x02\x28\x01",  # vector of one element
        b"\x05hello\x00\x02\x07\x40\x14\x14\x03\x28\x01",  # offset before the buffer
        encode_flex_options("AsString", {}, 1)[:-3] + b"\x00\x24\x01",  # root not a vector
    ],
)
def test_malformed_options_raise_invalid_model(opts):
    with pytest.raises(InvalidModelError):
        decode_flex_options(opts)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=80))
def test_random_options_never_crash(data):
    try:
        decode_flex_options(data)
    except InvalidModelError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_corrupted_fixture_options_never_crash(data):
    _, opts, _ = data.draw(st.sampled_from(FIXTURE_NODES))
    pos = data.draw(st.integers(0, len(opts) - 1))
    byte = data.draw(st.integers(0, 255))
    corrupted = opts[:pos] + bytes([byte]) + opts[pos + 1 :]
    try:
        decode_flex_options(corrupted)
    except InvalidModelError:
        pass
