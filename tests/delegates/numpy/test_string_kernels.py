"""String kernels of Select-TF ops against oracles: TF's own outputs (fixtures), the C library's
printf (AsString's formats are printf formats), onnxruntime's RE2-based RegexFullMatch,
StringNormalizer and StringConcat, and RE2's published replace table."""

from __future__ import annotations

import ctypes
import ctypes.util
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import siglite.delegates.numpy.kernels  # noqa: F401  (registers the kernels)
from siglite.delegates.numpy.table import KERNELS
from siglite.errors import ExecutionError
from siglite.format.flex import decode_flex_options

FIXTURES = Path(__file__).parents[2] / "fixtures"


def kernel(op: str):
    return KERNELS.get(op).fn


def objects(values) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = [v.encode() if isinstance(v, str) else bytes(v) for v in values]
    return out


# ------------------------------------------------------------------ TF fixtures


def fixture_attrs(name: str) -> dict[str, dict]:
    schema = pytest.importorskip("ai_edge_litert.schema_py_generated")
    model = schema.Model.GetRootAs((FIXTURES / f"{name}.tflite").read_bytes(), 0)
    found = {}
    for g in range(model.SubgraphsLength()):
        sub = model.Subgraphs(g)
        for i in range(sub.OperatorsLength()):
            op, attrs = decode_flex_options(bytes(sub.Operators(i).CustomOptionsAsNumpy()))
            found[op] = attrs
    return found


@pytest.mark.parametrize("name", ["seed_saved_model_coding", "seed_concrete_coding"])
def test_tf_fixture_expectations(name):
    attrs = fixture_attrs(name)
    data = np.load(FIXTURES / f"{name}.npz", allow_pickle=False)
    encoded = kernel("AsString")(data["encode/in/x"], **attrs["AsString"])
    assert encoded.dtype == object
    assert encoded.tolist() == data["encode/out/encoded_result"].tolist()
    decoded = kernel("StringToNumber")(objects(data["decode/in/x"]), **attrs["StringToNumber"])
    assert decoded.dtype == data["decode/out/decoded_result"].dtype
    np.testing.assert_array_equal(decoded, data["decode/out/decoded_result"])


# ------------------------------------------------------------------ AsString vs printf

libc = ctypes.CDLL(ctypes.util.find_library("c"))
C_TYPES = {
    "float32": ("f", ctypes.c_double), "float64": ("f", ctypes.c_double),
    "int8": ("d", ctypes.c_int), "int16": ("d", ctypes.c_int), "int32": ("d", ctypes.c_int),
    "int64": ("lld", ctypes.c_longlong), "uint8": ("u", ctypes.c_uint),
    "uint16": ("u", ctypes.c_uint), "uint32": ("u", ctypes.c_uint),
    "uint64": ("llu", ctypes.c_ulonglong),
}  # fmt: skip


def printf_as_string(x, precision, scientific, shortest, width, fill):
    """TF's AsString: snprintf("%<fill>*.*<conv>", max(width, 0), precision, value)."""
    conv, ctype = C_TYPES[x.dtype.name]
    if conv == "f":
        conv = "g" if shortest else "e" if scientific else "f"
    fmt = f"%{fill}*.*{conv}".encode()
    out = []
    for v in x.reshape(-1):
        buf = ctypes.create_string_buffer(1024)
        value = ctype(float(v) if conv in "feg" else int(v))
        n = libc.snprintf(
            buf, 1024, fmt, ctypes.c_int(max(width, 0)), ctypes.c_int(precision), value
        )
        out.append(buf.raw[:n])
    return out


float_cases = st.tuples(
    st.sampled_from(["float32", "float64"]),
    st.lists(st.floats(allow_nan=False, width=32), min_size=1, max_size=6),
    st.integers(-1, 20),
    st.sampled_from([(False, False), (True, False), (False, True)]),
    st.integers(-1, 30),
    st.sampled_from(["", " ", "+", "-", "0", "#"]),
)


@settings(max_examples=300, deadline=None)
@given(float_cases)
def test_as_string_floats_match_printf(case):
    dtype, values, precision, (scientific, shortest), width, fill = case
    x = np.array(values, dtype=dtype)
    attrs = dict(precision=precision, scientific=scientific, shortest=shortest, width=width,
                 fill=fill)  # fmt: skip
    got = kernel("AsString")(x, **attrs)
    assert got.tolist() == printf_as_string(x, **attrs)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(sorted(set(C_TYPES) - {"float32", "float64"})),
    st.data(),
    st.integers(-1, 25),
    st.sampled_from(["", " ", "+", "-", "0"]),
)
def test_as_string_integers_match_printf(dtype, data, width, fill):
    info = np.iinfo(dtype)
    values = data.draw(st.lists(st.integers(int(info.min), int(info.max)), min_size=1, max_size=6))
    x = np.array(values, dtype=dtype)
    got = kernel("AsString")(x, width=width, fill=fill)
    assert got.tolist() == printf_as_string(x, -1, False, False, width, fill)


def test_as_string_bools_and_invalid_attrs():
    # as_string_op.cc writes "true"/"false" for bools
    assert kernel("AsString")(np.array([[True], [False]])).tolist() == [[b"true"], [b"false"]]
    f = np.array([1.0], np.float32)
    cases = [
        (np.array([1]), {"precision": 2}, "precision not supported"),
        (np.array([1]), {"shortest": True}, "scientific and shortest format not supported"),
        (f, {"shortest": True, "scientific": True}, "Cannot select both"),
        (f, {"fill": "ab"}, "Fill string must be one or fewer characters"),
        (f, {"fill": "x"}, 'Fill argument not supported: "x"'),
    ]
    for x, attrs, message in cases:
        with pytest.raises(ExecutionError, match=message):
            kernel("AsString")(x, **attrs)


# ------------------------------------------------------------------ StringToNumber


libc.strtof.restype, libc.strtof.argtypes = ctypes.c_float, [ctypes.c_char_p, ctypes.c_void_p]
libc.strtod.restype, libc.strtod.argtypes = ctypes.c_double, [ctypes.c_char_p, ctypes.c_void_p]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(allow_nan=False), min_size=1, max_size=8), st.data())
def test_string_to_number_matches_strtof(values, data):
    # TF parses with correctly rounded decimal conversion, as C's strtof/strtod do
    spelling = data.draw(st.sampled_from(["%.9g", "%.6e", "%.17g", " %.3f\t", "%+.20g", "%r"]))
    text = objects([spelling % v if spelling != "%r" else repr(v) for v in values])
    got = kernel("StringToNumber")(text, out_type="float32")
    assert got.dtype == np.float32
    want = np.array([libc.strtof(t, None) for t in text], np.float32)
    np.testing.assert_array_equal(got, want)
    wide = kernel("StringToNumber")(text, out_type="float64")
    assert wide.dtype == np.float64
    np.testing.assert_array_equal(wide, [libc.strtod(t, None) for t in text])


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["int32", "int64"]), st.data())
def test_string_to_number_integers(dtype, data):
    info = np.iinfo(dtype)
    values = data.draw(st.lists(st.integers(int(info.min), int(info.max)), min_size=1))
    got = kernel("StringToNumber")(objects([f" {v} " for v in values]), out_type=dtype)
    assert got.dtype == dtype and got.tolist() == values
    too_big = objects([str(int(info.max) + 1)])
    with pytest.raises(ExecutionError, match="could not correctly convert string"):
        kernel("StringToNumber")(too_big, out_type=dtype)


@pytest.mark.parametrize("text", ["", "abc", "1.0x", "1 2", "0x10", "1_000", "--1", "e5"])
def test_string_to_number_rejects_non_numbers(text):
    # TF: InvalidArgument "StringToNumberOp could not correctly convert string: <s>"
    with pytest.raises(ExecutionError, match="StringToNumberOp could not correctly convert"):
        kernel("StringToNumber")(objects([text]), out_type="float32")


# ------------------------------------------------------------------ onnxruntime oracles


def ort_run(op: str, inputs: list[np.ndarray], out_type: str = "string", **attrs):
    pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")
    from onnx import TensorProto, helper

    names = [f"x{i}" for i in range(len(inputs))]
    node = helper.make_node(op, names, ["y"], **attrs)
    elem = TensorProto.STRING if out_type == "string" else TensorProto.BOOL
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info(n, TensorProto.STRING, None) for n in names],
        [helper.make_tensor_value_info("y", elem, None)],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)])
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    feeds = {
        n: np.vectorize(lambda b: b.decode(), otypes=[object])(a)
        for n, a in zip(names, inputs, strict=True)
    }
    return sess.run(None, feeds)[0]


def utf8(arr: np.ndarray) -> list:
    return [b.decode() for b in np.asarray(arr).reshape(-1)]


# letters whose upper/lower case map one to one (no ß, no dotless i)
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-"
LATIN1 = "àáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞ"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(LETTERS, max_size=12), min_size=1, max_size=6),
       st.lists(st.text(LETTERS + LATIN1, max_size=12), min_size=1, max_size=6))  # fmt: skip
def test_case_conversion_matches_string_normalizer(ascii_texts, latin_texts):
    for op, action in (("StringLower", "LOWER"), ("StringUpper", "UPPER")):
        for texts, encoding in ((ascii_texts, ""), (latin_texts, "utf-8")):
            x = objects(texts)
            ref = ort_run("StringNormalizer", [x], case_change_action=action, locale="C.UTF-8")
            assert utf8(kernel(op)(x, encoding=encoding)) == list(ref)
    # without an encoding only ASCII letters change, as absl's AsciiStrToLower/Upper
    x = objects(latin_texts)
    assert utf8(kernel("StringUpper")(x)) == [
        "".join(c.upper() if c.isascii() else c for c in t) for t in latin_texts
    ]


def ort_concat(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """onnxruntime's StringConcat (elementwise, broadcasting), as an object array of bytes."""
    out = ort_run("StringConcat", [x, y])
    return np.vectorize(lambda t: t.encode(), otypes=[object])(out)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(LETTERS + LATIN1, max_size=8), min_size=1, max_size=5), st.data())
def test_string_join_matches_string_concat(texts, data):
    a = objects(texts)
    b = objects(data.draw(st.lists(st.text(LETTERS, max_size=5), min_size=len(texts),
                                   max_size=len(texts))))  # fmt: skip
    sep = np.array(data.draw(st.text(LETTERS, max_size=3)).encode(), dtype=object)
    ref = ort_concat(ort_concat(a, sep), b)
    got = kernel("StringJoin")(a, b, separator=sep.item(), N=2)
    assert got.tolist() == ref.tolist()
    # a scalar input is repeated for every element of the others
    lead = np.array(b"<", dtype=object)
    got = kernel("StringJoin")(lead, a.reshape(-1, 1), separator=sep.item().decode(), N=2)
    assert got.shape == (len(texts), 1)
    assert got.tolist() == ort_concat(ort_concat(lead, sep), a.reshape(-1, 1)).tolist()
    with pytest.raises(ExecutionError, match="Input shapes do not match"):
        kernel("StringJoin")(a, objects(texts + ["x"]))


PATTERNS = [
    r"www\.[\w.-]+\.\bcom\b",  # onnx's RegexFullMatch node test patterns
    r"(\W|^)[\w.\-]{0,25}@(yahoo|gmail)\.com(\W|$)",
    r"a+b*",
    r"(ab|c)*\d{2,3}",
    r"[^a-c]+",
    r"\s*\S+\s*",
    r".*\z",
    r"(?i)abc.",
    r"é+.?",
]
REGEX_TEXT = "abcdeé 0129.-@_\nABCw"


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(REGEX_TEXT, max_size=10), min_size=1, max_size=8))
def test_regex_full_match_matches_re2_in_onnxruntime(texts):
    x = objects(texts)
    for pattern in PATTERNS:
        ref = ort_run("RegexFullMatch", [x], out_type="bool", pattern=pattern)
        assert kernel("StaticRegexFullMatch")(x, pattern=pattern).tolist() == ref.tolist()
        got = kernel("RegexFullMatch")(x, np.array(pattern.encode(), dtype=object))
        assert got.tolist() == ref.tolist()


def test_regex_full_match_onnx_node_cases(monkeypatch):
    """The onnx package's RegexFullMatch node tests, captured from their export functions."""
    module = pytest.importorskip("onnx.backend.test.case.node.regex_full_match")
    cases = []
    monkeypatch.setattr(module, "expect", lambda node, inputs, outputs, name: cases.append(
        (node, inputs, outputs)))  # fmt: skip
    for attr in dir(module.RegexFullMatch):
        if attr.startswith("export"):
            getattr(module.RegexFullMatch, attr)()
    assert len(cases) >= 3
    for node, inputs, outputs in cases:
        pattern = {a.name: a.s for a in node.attribute}["pattern"]
        x = np.vectorize(lambda t: t.encode(), otypes=[object])(inputs[0])
        got = kernel("StaticRegexFullMatch")(x, pattern=pattern)
        assert got.shape == outputs[0].shape and got.tolist() == outputs[0].tolist()


# RE2's own replace table (re2/testing/re2_test.cc, TEST(RE2, Replace)): regexp, rewrite,
# original, result of Replace, result of GlobalReplace. It pins RE2's rewrite syntax and its
# rule for empty matches right after a previous match, where Python's re.sub differs.
RE2_REPLACE = [
    ("(qu|[b-df-hj-np-tv-z]*)([a-z]+)", "\\2\\1ay", "the quick brown fox jumps over the lazy dogs.",
     "ethay quick brown fox jumps over the lazy dogs.",
     "ethay ickquay ownbray oxfay umpsjay overay ethay azylay ogsday."),
    ("\\w+", "\\0-NOSPAM", "abcd.efghi@google.com", "abcd-NOSPAM.efghi@google.com",
     "abcd-NOSPAM.efghi-NOSPAM@google-NOSPAM.com-NOSPAM"),
    ("^", "(START)", "foo", "(START)foo", "(START)foo"),
    ("^", "(START)", "", "(START)", "(START)"),
    ("$", "(END)", "", "(END)", "(END)"),
    ("b", "bb", "ababababab", "abbabababab", "abbabbabbabbabb"),
    ("b", "bb", "bbbbbb", "bbbbbbb", "bbbbbbbbbbbb"),
    ("b+", "bb", "bbbbbb", "bb", "bb"),
    ("b*", "bb", "bbbbbb", "bb", "bb"),
    ("b*", "bb", "aaaaa", "bbaaaaa", "bbabbabbabbabbabb"),
    ("a.*a", "(\\0)", "aba\naba", "(aba)\naba", "(aba)\n(aba)"),
]  # fmt: skip


@pytest.mark.parametrize("pattern, rewrite, original, single, everywhere", RE2_REPLACE)
def test_regex_replace_matches_re2_table(pattern, rewrite, original, single, everywhere):
    x = objects([original])
    once = kernel("StaticRegexReplace")(x, pattern=pattern, rewrite=rewrite, replace_global=False)
    assert once.tolist() == [single.encode()]
    glob = kernel("StaticRegexReplace")(x, pattern=pattern, rewrite=rewrite)
    assert glob.tolist() == [everywhere.encode()]
    dynamic = kernel("RegexReplace")(
        x, np.array(pattern, dtype=object), np.array(rewrite, dtype=object)
    )
    assert dynamic.tolist() == [everywhere.encode()]


def test_regex_replace_rejects_bad_rewrites():
    x = objects(["abc"])
    for rewrite in ("\\2", "a\\q"):
        with pytest.raises(ExecutionError, match="Invalid rewrite pattern"):
            kernel("StaticRegexReplace")(x, pattern="(a)", rewrite=rewrite)


# ------------------------------------------------------------------ length, substr, strip


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=10), min_size=1, max_size=6))
def test_string_length_units(texts):
    # TF counts bytes, or UTF-8 characters (= Python code points of valid UTF-8 text)
    x = objects(texts)
    got = kernel("StringLength")(x)
    assert got.dtype == np.int32 and got.tolist() == [len(t.encode()) for t in texts]
    assert kernel("StringLength")(x, unit="UTF8_CHAR").tolist() == [len(t) for t in texts]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=10), st.integers(-12, 12), st.integers(-2, 12), st.booleans())
def test_substr_semantics(text, pos, length, chars):
    # Substr takes `len` units from `pos` (negative pos counts from the end), clipping at the
    # end; a negative len takes the rest; pos outside [-size, size] is an error.
    unit = "UTF8_CHAR" if chars else "BYTE"
    seq = text if chars else text.encode()
    size = len(seq)
    x = objects([text])
    if not -size <= pos <= size:
        with pytest.raises(ExecutionError, match=f"pos {pos} out of range"):
            kernel("Substr")(x, np.int32(pos), np.int32(length), unit=unit)
        return
    start = pos + size if pos < 0 else pos
    want = seq[start:] if length < 0 else seq[start : start + length]
    got = kernel("Substr")(x, np.int32(pos), np.int32(length), unit=unit)
    assert got.tolist() == [want.encode() if chars else want]


def test_substr_broadcasts_positions():
    x = objects(["Hello", "World"])
    pos = np.array([1, 2], np.int32)
    got = kernel("Substr")(x.reshape(2, 1), pos, np.int32(2))
    assert got.tolist() == [[b"el", b"ll"], [b"or", b"rl"]]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(" \t\n\r\x0b\x0cab c\u00a0", max_size=10), min_size=1, max_size=6))
def test_string_strip_ascii_whitespace(texts):
    # absl::StripAsciiWhitespace: space, \t, \n, \v, \f, \r only (not U+00A0)
    got = kernel("StringStrip")(objects(texts))
    assert got.tolist() == [t.strip(" \t\n\r\x0b\x0c").encode() for t in texts]


@pytest.mark.parametrize("name", ["seed_saved_model_coding", "seed_concrete_coding"])
def test_tf_flex_models_run_end_to_end(name):
    """The TF-converted Flex models run in siglite's interpreter and give TF's results, and
    decode(encode(x)) gives x back."""
    import siglite as sl

    data = np.load(FIXTURES / f"{name}.npz", allow_pickle=False)
    interp = sl.Interpreter(model_path=str(FIXTURES / f"{name}.tflite"))
    encode, decode = interp.get_signature_runner("encode"), interp.get_signature_runner("decode")
    enc = encode(x=data["encode/in/x"])
    assert enc["encoded_result"].tolist() == data["encode/out/encoded_result"].tolist()
    dec = decode(x=data["decode/in/x"])
    assert dec["decoded_result"].dtype == data["decode/out/decoded_result"].dtype
    np.testing.assert_array_equal(dec["decoded_result"], data["decode/out/decoded_result"])
    for x in (data["encode/in/x"], np.array([-2.5, 0.0, 1e-3, 123456.0], np.float32)):
        again = decode(x=encode(x=x)["encoded_result"])["decoded_result"]
        # AsString's default "%f" keeps six decimals: exact for values that need no more
        np.testing.assert_array_equal(again, x)


@pytest.mark.parametrize("name", ["seed_saved_model_coding", "seed_concrete_coding"])
def test_select_schemas_infer_what_tf_wrote(name):
    """Shape inference of the Select-TF schemas agrees with the tensors TF's converter wrote."""
    sl = pytest.importorskip("siglite")
    from siglite.ops import SELECT, get_op

    model = sl.read_model(str(FIXTURES / f"{name}.tflite"))
    seen = set()
    for sub in model.subgraphs:
        for node in sub.nodes:
            schema = get_op(node.op)
            assert schema.opset == SELECT and schema.custom_code == "Flex" + node.op
            inferred = schema.infer(node.inputs, node.attrs)
            assert inferred == [(t.dtype, t.signature_shape) for t in node.outputs]
            seen.add(node.op)
    assert seen == {"AsString", "StringToNumber"}
