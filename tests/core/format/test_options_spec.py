"""The options tables agree with LiteRT's own generated schema code (the oracle).

For every table we build a flatbuffer table with the spec's field ids and kinds, then read it
back with LiteRT's generated accessors: a wrong id, width or signedness reads back wrong.
"""

from __future__ import annotations

import inspect

import flatbuffers
import numpy as np
import pytest

from siglite.format import options_spec as spec

schema = pytest.importorskip("ai_edge_litert.schema_py_generated")

SLOT = {
    "bool": "PrependBoolSlot",
    "int8": "PrependInt8Slot",
    "uint8": "PrependUint8Slot",
    "int16": "PrependInt16Slot",
    "uint16": "PrependUint16Slot",
    "int32": "PrependInt32Slot",
    "uint32": "PrependUint32Slot",
    "int64": "PrependInt64Slot",
    "uint64": "PrependUint64Slot",
    "float32": "PrependFloat32Slot",
    "float64": "PrependFloat64Slot",
}
# Values that only read back unchanged at the right width and signedness.
PROBE = {
    "bool": True,
    "int8": -3,
    "uint8": 200,
    "int16": -300,
    "uint16": 60000,
    "int32": -70000,
    "uint32": 3_000_000_000,
    "int64": -(2**40),
    "uint64": 2**63 + 5,
    "float32": 1.5,
    "float64": 1e300,
}


def _scalar_kind(field: spec.Field) -> str:
    if field.kind.startswith("enum:"):
        return spec.ENUM_TYPES[field.kind[5:]]
    return "int32" if field.kind == "subgraph" else field.kind


def _camel(field: spec.Field) -> str:
    name = "fused_activation_function" if field.attr == "fused_activation" else field.attr
    return "".join(p[:1].upper() + p[1:] for p in name.split("_"))


def _union_members(cls) -> dict[str, int]:
    return {k: v for k, v in vars(cls).items() if not k.startswith("_") and k != "NONE"}


def _build(field: spec.Field) -> tuple[bytes, object]:
    """A one-field table holding a probe value, and the value written."""
    b = flatbuffers.Builder(64)
    if field.kind == "string":
        value: object = "probe"
        off = b.CreateString(value)
    elif field.kind.startswith("vector:"):
        elem = field.kind[7:]
        value = [PROBE[elem]] * 3 if elem != "bool" else [True, False, True]
        dt = np.dtype(elem if elem != "float32" else np.float32)
        off = b.CreateNumpyVector(np.array(value, dtype=dt))
    b.StartObject(field.id + 1)
    if field.kind == "string" or field.kind.startswith("vector:"):
        b.PrependUOffsetTRelativeSlot(field.id, off, 0)
    else:
        kind = _scalar_kind(field)
        value = PROBE[kind] if not field.kind.startswith("enum:") else 1
        getattr(b, SLOT[kind])(field.id, value, 0 if kind != "bool" else False)
    b.Finish(b.EndObject())
    return bytes(b.Output()), value


def _read(table: str, field: spec.Field, buf: bytes):
    obj = getattr(schema, table).GetRootAs(buf, 0)
    name = _camel(field)
    if field.kind.startswith("vector:"):
        return getattr(obj, name + "AsNumpy")().tolist()
    got = getattr(obj, name)()
    return got.decode() if isinstance(got, bytes) else got


ALL_TABLES = sorted(spec.TABLES)


def test_every_union_member_has_a_table():
    expected = {(t, 1, n) for t, n in _union_members(schema.BuiltinOptions).items()}
    expected |= {(t, 2, n) for t, n in _union_members(schema.BuiltinOptions2).items()}
    got = {(s.table, s.union, s.union_type) for s in spec.TABLES.values()}
    assert got == expected


@pytest.mark.parametrize("table", ALL_TABLES)
def test_fields_match_generated_schema(table):
    s = spec.TABLES[table]
    # every Add<Field> helper of the table is described, and nothing else
    adders = {
        n[len(table) + 3 :]
        for n, f in vars(schema).items()
        if n.startswith(table + "Add") and inspect.isfunction(f)
    }
    assert {_camel(f) for f in s.fields} == adders
    for field in s.fields:
        buf, value = _build(field)
        assert _read(table, field, buf) == value, (table, field)


@pytest.mark.parametrize("table", ALL_TABLES)
def test_defaults_match_generated_schema(table):
    b = flatbuffers.Builder(16)
    b.StartObject(0)
    b.Finish(b.EndObject())
    empty = bytes(b.Output())
    obj = getattr(schema, table).GetRootAs(empty, 0)
    for field in spec.TABLES[table].fields:
        if field.kind == "string" or field.kind.startswith("vector:"):
            assert field.default is None
            continue
        got = getattr(obj, _camel(field))()
        if field.kind.startswith("enum:"):
            got = spec.ENUMS[field.kind[5:]][got]
        assert got == field.default and type(got) is type(field.default), (table, field)


def test_enum_values_match_generated_schema():
    for name, values in spec.ENUMS.items():
        generated = {v: k for k, v in vars(getattr(schema, name)).items() if not k.startswith("_")}
        if name == "TensorType":
            # siglite knows a few types newer than this LiteRT release; shared codes agree
            assert all(values[c] == n for c, n in generated.items())
        else:
            assert values == generated


def test_op_mapping_matches_tf_converter_output():
    """Ops in TF-written fixtures carry exactly the union type our mapping gives them."""
    from pathlib import Path

    from siglite.ops.builtin_codes import BUILTIN_NAMES

    seen = set()
    for path in sorted(Path(__file__).parents[2].glob("fixtures/*.tflite")):
        model = schema.Model.GetRootAs(path.read_bytes(), 0)
        codes = [model.OperatorCodes(i) for i in range(model.OperatorCodesLength())]
        for g in range(model.SubgraphsLength()):
            sub = model.Subgraphs(g)
            for i in range(sub.OperatorsLength()):
                op = sub.Operators(i)
                code = codes[op.OpcodeIndex()]
                name = BUILTIN_NAMES[max(code.BuiltinCode(), code.DeprecatedBuiltinCode())]
                if name == "CUSTOM":
                    continue
                s = spec.options_for(name)
                if op.BuiltinOptionsType() == 0:
                    assert s is None or not s.fields, name
                else:
                    assert s is not None and s.union == 1, name
                    assert s.union_type == op.BuiltinOptionsType(), name
                seen.add(name)
    assert {"FULLY_CONNECTED", "CONV_2D", "SOFTMAX"} <= seen


# Ops that the schema gives no options table; everything else in the list below needs a spec.
NO_TABLE = {
    "LOG", "SQRT", "RSQRT", "SIN", "TANH", "LOGISTIC", "RELU", "RELU6", "RELU_N1_TO_1",
    "PRELU", "ELU", "FLOOR", "CEIL", "ROUND", "EMBEDDING_LOOKUP",
}  # fmt: skip
REQUIRED = """ADD SUB MUL DIV FLOOR_DIV FLOOR_MOD POW MAXIMUM MINIMUM SQUARED_DIFFERENCE ABS NEG EXP
LOG SQRT RSQRT SQUARE SIN COS TANH LOGISTIC RELU RELU6 RELU_N1_TO_1 LEAKY_RELU PRELU ELU HARD_SWISH
GELU FLOOR CEIL ROUND SIGN EQUAL NOT_EQUAL LESS LESS_EQUAL GREATER GREATER_EQUAL LOGICAL_AND
LOGICAL_OR LOGICAL_NOT SELECT SELECT_V2 WHERE FULLY_CONNECTED BATCH_MATMUL CONV_2D
DEPTHWISE_CONV_2D TRANSPOSE_CONV AVERAGE_POOL_2D MAX_POOL_2D SOFTMAX LOG_SOFTMAX L2_NORMALIZATION
RESIZE_BILINEAR RESIZE_NEAREST_NEIGHBOR EMBEDDING_LOOKUP MEAN SUM REDUCE_MAX REDUCE_MIN REDUCE_PROD
REDUCE_ANY ARG_MAX ARG_MIN TOPK_V2 CUMSUM RESHAPE TRANSPOSE CONCATENATION SPLIT SPLIT_V PACK UNPACK
SLICE STRIDED_SLICE GATHER GATHER_ND SQUEEZE EXPAND_DIMS PAD PADV2 MIRROR_PAD TILE BROADCAST_TO
SHAPE CAST FILL ZEROS_LIKE RANGE SPACE_TO_DEPTH DEPTH_TO_SPACE BATCH_TO_SPACE_ND SPACE_TO_BATCH_ND
REVERSE_V2 IF WHILE CALL_ONCE VAR_HANDLE READ_VARIABLE ASSIGN_VARIABLE HASHTABLE HASHTABLE_IMPORT
HASHTABLE_FIND HASHTABLE_SIZE QUANTIZE DEQUANTIZE""".split()


def test_required_ops_are_covered():
    from siglite.ops.builtin_codes import BUILTIN_CODES

    for op in REQUIRED:
        assert op in BUILTIN_CODES
        assert (spec.options_for(op) is None) == (op in NO_TABLE), op
    for op in spec.OPTIONS:
        assert op in BUILTIN_CODES, op


def test_shared_tables_and_attr_names():
    assert spec.options_for("SUM") is spec.options_for("REDUCE_MAX") is spec.options_for("MEAN")
    assert spec.options_for("SELECT_V2").table == "SelectV2Options"
    if_fields = {f.attr: f.kind for f in spec.options_for("IF").fields}
    assert if_fields == {"then_subgraph_index": "subgraph", "else_subgraph_index": "subgraph"}
    attrs = {f.attr for f in spec.options_for("CONV_2D").fields}
    assert "fused_activation" in attrs and "fused_activation_function" not in attrs
