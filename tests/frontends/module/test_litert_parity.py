"""Builtin-only modules: LiteRT, siglite's interpreter and eager calls give the same results."""

from __future__ import annotations

import numpy as np

import siglite as sl

from .helpers import assert_close, check_three_ways, convert, litert

rng = np.random.default_rng(7)


def _w(*shape):
    return rng.normal(size=shape).astype(np.float32)


class MLP(sl.Module):
    def __init__(self):
        super().__init__()
        self.w1, self.b1 = sl.Variable(_w(4, 16)), sl.Variable(_w(16))
        self.w2, self.b2 = sl.Variable(_w(16, 3)), sl.Variable(_w(3))

    @sl.function(input_signature=[sl.TensorSpec([None, 4], sl.float32)])
    def __call__(self, x):
        h = sl.nn.relu(sl.matmul(x, self.w1) + self.b1)
        h = sl.nn.gelu(sl.nn.bias_add(h @ self.w2, self.b2))
        return {"probs": sl.nn.softmax(h), "logp": sl.nn.log_softmax(h)}


def test_mlp():
    m = MLP()
    check_three_ways(m, m.__call__, {"x": _w(5, 4)})


class CNN(sl.Module):
    def __init__(self):
        super().__init__()
        self.k1, self.dw = sl.Variable(_w(3, 3, 3, 8)), sl.Variable(_w(3, 3, 8, 1))
        self.mean, self.var = sl.Variable(_w(8)), sl.Variable(np.abs(_w(8)) + 0.5)
        self.gamma, self.beta = sl.Variable(_w(8)), sl.Variable(_w(8))
        self.up = _w(3, 3, 4, 8)
        self.fc = sl.Variable(_w(4, 10))

    @sl.function(input_signature=[sl.TensorSpec([1, 16, 16, 3], sl.float32, name="image")])
    def classify(self, image):
        x = sl.nn.conv2d(image, self.k1, strides=1, padding="SAME")
        x = sl.nn.batch_normalization(x, self.mean, self.var, self.beta, self.gamma, 1e-3)
        x = sl.nn.relu6(x)
        x = sl.nn.depthwise_conv2d(x, self.dw, strides=[1, 2, 2, 1], padding="VALID")
        x = sl.nn.max_pool2d(sl.nn.leaky_relu(x, 0.1), ksize=2, strides=2, padding="SAME")
        y = sl.nn.conv2d_transpose(x, self.up, [1, 8, 8, 4], strides=2, padding="SAME")
        y = sl.nn.avg_pool2d(sl.nn.elu(y), 2, 2, "VALID")
        y = sl.image.resize(y, [6, 6])
        pooled = sl.reduce_mean(y, axis=[1, 2])
        return {"logits": sl.nn.sigmoid(pooled @ self.fc), "map": sl.tanh(y)}


def test_cnn():
    m = CNN()
    check_three_ways(m, m.classify, {"image": _w(1, 16, 16, 3)})


class Shared(sl.Module):
    """Two signatures reading (and one assigning) the same variable."""

    def __init__(self):
        super().__init__()
        self.scale = sl.Variable(np.float32(2.0), name="scale")

    @sl.function(input_signature=[sl.TensorSpec([None], sl.float32)])
    def apply(self, x):
        return {"y": x * self.scale}

    @sl.function(input_signature=[sl.TensorSpec([], sl.float32)])
    def set_scale(self, s):
        self.scale.assign(s)
        return {"scale": self.scale.read_value()}


def test_two_signatures_share_a_variable():
    m = Shared()
    data = convert(m, m.apply.get_concrete_function(), m.set_scale.get_concrete_function())
    x = _w(4)
    for interp in (litert(data), sl.Interpreter(model_content=data)):
        apply = interp.get_signature_runner("apply")
        set_scale = interp.get_signature_runner("set_scale")
        before = apply(x=x)["y"]
        set_scale(s=np.float32(-3.0))
        after = apply(x=x)["y"]
        assert_close(before, m.apply(x)["y"])
        m2 = Shared()
        m2.set_scale(np.float32(-3.0))
        assert_close(after, m2.apply(x)["y"])


class Vocab(sl.Module):
    def __init__(self):
        super().__init__()
        init = sl.lookup.KeyValueTensorInitializer(
            np.array([b"a", b"bb", b"ccc"], object), np.array([1, 2, 3], np.int64)
        )
        self.table = sl.lookup.StaticHashTable(init, default_value=-1)

    @sl.function(input_signature=[sl.TensorSpec([None], sl.string)])
    def lookup(self, words):
        return {"ids": self.table.lookup(words)}


def test_hash_table():
    m = Vocab()
    words = np.array([b"bb", b"zz", b"a", b"ccc"], dtype=object)
    out = check_three_ways(m, m.lookup, {"words": words})
    assert out["ids"].dtype == np.int64
    model = sl.lite.TFLiteConverter.from_concrete_functions(
        [m.lookup.get_concrete_function()], m
    ).convert_model()
    ops = [[n.op for n in sg.nodes] for sg in model.subgraphs]
    assert ops[0][0] == "CALL_ONCE" and "HASHTABLE_IMPORT" in ops[-1]


class Counter(sl.Module):
    def __init__(self):
        super().__init__()
        self.v = sl.Variable(np.zeros([3], np.float32), name="acc")

    @sl.function(input_signature=[sl.TensorSpec([3], sl.float32)])
    def accumulate(self, x):
        self.v.assign_add(x)
        return {"total": self.v.read_value()}

    @sl.function(input_signature=[])
    def total(self):
        return {"total": self.v.read_value()}


def test_state_persists_per_interpreter():
    m = Counter()
    data = convert(m, m.accumulate.get_concrete_function(), m.total.get_concrete_function())
    x = _w(3)
    for make in (lambda: litert(data), lambda: sl.Interpreter(model_content=data)):
        first = make()
        first.get_signature_runner("accumulate")(x=x)
        first.get_signature_runner("accumulate")(x=x)
        got = first.get_signature_runner("total")()["total"]
        fresh = make().get_signature_runner("total")()["total"]
        eager = Counter()
        eager.accumulate(x)
        eager.accumulate(x)
        assert_close(got, eager.total()["total"])
        assert_close(fresh, Counter().total()["total"])
        assert not np.allclose(got, fresh)


class Flow(sl.Module):
    @sl.function(input_signature=[sl.TensorSpec([None], sl.float32), sl.TensorSpec([], sl.int32)])
    def run(self, x, n):
        y = sl.cond(sl.reduce_sum(x) > 0, lambda: x * 2.0, lambda: -x)

        def body(i, acc):
            return i + 1, acc + y

        _, acc = sl.while_loop(lambda i, acc: i < n, body, (sl.constant(0), sl.zeros_like(y)))
        return {"acc": acc, "first": acc[0], "tail": acc[1::2]}


def test_cond_and_while():
    m = Flow()
    for x in (_w(6), -np.abs(_w(6))):
        check_three_ways(m, m.run, {"x": x, "n": np.int32(3)})


class ArrayOps(sl.Module):
    @sl.function(input_signature=[sl.TensorSpec([2, 3, 4], sl.float32)])
    def ops(self, x):
        parts = sl.split(x, 2, axis=2)
        a, b, c = sl.unstack(x, axis=1)
        return {
            "t": sl.transpose(x, [2, 0, 1]),
            "cat": sl.concat(parts[::-1], axis=-1),
            "stk": sl.stack([a, c], axis=0) - b,
            "gat": sl.gather(x, [2, 0], axis=1),
            "sq": sl.squeeze(sl.expand_dims(x, 0) ** 2, axis=0),
            "pad": sl.pad(x, [[0, 0], [1, 1], [0, 2]], constant_values=1.5),
            "tile": sl.tile(sl.clip_by_value(x, -0.5, 0.5), [1, 2, 1]),
            "arg": sl.argmax(x, axis=2),
            "arg32": sl.math.argmin(x, axis=1, output_type=sl.int32),
            "red": sl.reduce_max(x, axis=[0, 2], keepdims=True) + sl.reduce_prod(x, axis=1)[0, 0],
            "cum": sl.cumsum(x, axis=1, reverse=True),
            "cast": sl.cast(x * 10.0, sl.int32) // 3 % 4,
            "sel": sl.where(x > 0, x, sl.zeros_like(x)),
            "shape": sl.shape(x),
            "rng": sl.range(1, 10, 2) + sl.cast(sl.reduce_any(x > 5.0), sl.int32),
            "slice": x[1, :, ::-2] / (sl.abs(x[0, :, 1:3][:, :1]) + 1.0),
            "topk": sl.math.top_k(sl.reshape(x, [6, 4]), k=2).values,
        }


def test_array_ops():
    m = ArrayOps()
    check_three_ways(m, m.ops, {"x": _w(2, 3, 4)})


def test_eager_slicing_matches_numpy():
    x = _w(3, 4, 5)
    np.testing.assert_array_equal(sl.identity(x)[1:, None, ::2, -1], x[1:, None, ::2, -1])
    sym = sl.function(lambda t: t[..., 1:3][-1], input_signature=[sl.TensorSpec([3, 4, 5])])
    np.testing.assert_array_equal(sym(x), x[..., 1:3][-1])
