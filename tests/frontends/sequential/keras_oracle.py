"""Independent references for the Keras-like frontend's tests: torch eager and LiteRT.

``torch_forward`` re-implements each layer with ``torch.nn.functional`` from the layer's Keras
weights and configuration, so it shares no code with the IR emission it checks.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from siglite.frontends.sequential import layers as L


def _same_pads(size: int, k: int, stride: int, dilation: int) -> tuple[int, int]:
    # TensorFlow's SAME: output ceil(size / stride), extra padding at the end.
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + (k - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def _pad_nchw(x, layer, kernel, dilation=(1, 1), value=0.0):
    if layer.padding != "SAME":
        return x
    ph = _same_pads(x.shape[2], kernel[0], layer.strides[0], dilation[0])
    pw = _same_pads(x.shape[3], kernel[1], layer.strides[1], dilation[1])
    return F.pad(x, (pw[0], pw[1], ph[0], ph[1]), value=value)


def _activation(name: str, x):
    table = {
        "linear": lambda t: t,
        "relu": F.relu,
        "relu6": F.relu6,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "softmax": lambda t: torch.softmax(t, dim=-1),
        "log_softmax": lambda t: torch.log_softmax(t, dim=-1),
        "gelu": lambda t: F.gelu(t, approximate="none"),
        "elu": F.elu,
        "leaky_relu": lambda t: F.leaky_relu(t, 0.2),
        "silu": F.silu,
        "hard_sigmoid": F.hardsigmoid,
        "hard_swish": F.hardswish,
        "exponential": torch.exp,
    }
    return table[name](x)


def _conv(layer, x):
    w = torch.from_numpy(layer.kernel.numpy())
    b = torch.from_numpy(layer.bias.numpy()) if layer.bias is not None else None
    xc = _pad_nchw(x.permute(0, 3, 1, 2), layer, layer.kernel_size, layer.dilation_rate)
    if isinstance(layer, L.DepthwiseConv2D):
        kh, kw, cin, mult = w.shape
        weight = w.permute(2, 3, 0, 1).reshape(cin * mult, 1, kh, kw)
        groups = cin
    else:
        weight, groups = w.permute(3, 2, 0, 1), 1
    y = F.conv2d(xc, weight, b, stride=layer.strides, dilation=layer.dilation_rate, groups=groups)
    return _activation(layer.activation, y.permute(0, 2, 3, 1))


def _pool(layer, x):
    xc = x.permute(0, 3, 1, 2)
    if isinstance(layer, L.MaxPooling2D):
        y = F.max_pool2d(_pad_nchw(xc, layer, layer.pool_size, value=-math.inf),
                         layer.pool_size, layer.strides)  # fmt: skip
    else:
        # padded cells are not counted: divide window sums by the number of real cells
        ones = torch.ones_like(xc[:1, :1])
        sums = F.avg_pool2d(_pad_nchw(xc, layer, layer.pool_size), layer.pool_size, layer.strides)
        counts = F.avg_pool2d(_pad_nchw(ones, layer, layer.pool_size), layer.pool_size,
                              layer.strides)  # fmt: skip
        y = sums / counts
    return y.permute(0, 2, 3, 1)


def _relu_layer(layer, x):
    low = layer.negative_slope * (x - layer.threshold)
    y = torch.where(x >= layer.threshold, x, low)
    return y if layer.max_value is None else torch.clamp(y, max=layer.max_value)


def _batch_norm(layer, x):
    c = layer.moving_mean.shape[0]
    mean, var = (torch.from_numpy(v.numpy()) for v in (layer.moving_mean, layer.moving_variance))
    gamma = torch.from_numpy(layer.gamma.numpy()) if layer.gamma is not None else torch.ones(c)
    beta = torch.from_numpy(layer.beta.numpy()) if layer.beta is not None else torch.zeros(c)
    axis = layer.axis % x.dim()
    y = F.batch_norm(x.movedim(axis, 1), mean, var, gamma, beta, False, 0.0, layer.epsilon)
    return y.movedim(1, axis)


def _layer_norm(layer, x):
    axes = [layer.axis] if isinstance(layer.axis, int) else list(layer.axis)
    axes = sorted(a % x.dim() for a in axes)
    assert axes == list(range(x.dim() - len(axes), x.dim())), "oracle handles trailing axes"
    gamma = torch.from_numpy(layer.gamma.numpy()) if layer.gamma is not None else None
    beta = torch.from_numpy(layer.beta.numpy()) if layer.beta is not None else None
    return F.layer_norm(x, x.shape[axes[0] :], gamma, beta, layer.epsilon)


def _dense(layer, x):
    y = x @ torch.from_numpy(layer.kernel.numpy())
    if layer.bias is not None:
        y = y + torch.from_numpy(layer.bias.numpy())
    return _activation(layer.activation, y)


def _apply(layer, x):
    if isinstance(layer, L.Dense):
        return _dense(layer, x)
    if isinstance(layer, L.Conv2D | L.DepthwiseConv2D):
        return _conv(layer, x)
    if isinstance(layer, L.MaxPooling2D | L.AveragePooling2D):
        return _pool(layer, x)
    if isinstance(layer, L.GlobalAveragePooling2D):
        return x.mean(dim=(1, 2), keepdim=layer.keepdims)
    if isinstance(layer, L.Flatten):
        return x.reshape(x.shape[0], -1)
    if isinstance(layer, L.Reshape):
        return x.reshape(x.shape[0], *layer.target_shape)
    if isinstance(layer, L.Dropout):
        return x
    if isinstance(layer, L.BatchNormalization):
        return _batch_norm(layer, x)
    if isinstance(layer, L.LayerNormalization):
        return _layer_norm(layer, x)
    if isinstance(layer, L.Activation):
        return _activation(layer.activation, x)
    if isinstance(layer, L.ReLU):
        return _relu_layer(layer, x)
    if isinstance(layer, L.LeakyReLU):
        return F.leaky_relu(x, layer.negative_slope)
    if isinstance(layer, L.Softmax):
        return torch.softmax(x, dim=layer.axis)
    if isinstance(layer, L.Embedding):
        return F.embedding(x.long(), torch.from_numpy(layer.embeddings.numpy()))
    raise NotImplementedError(type(layer).__name__)


def torch_forward(model, x: np.ndarray) -> np.ndarray:
    """The model's inference output computed layer by layer in torch eager (float64 free)."""
    t = torch.from_numpy(np.ascontiguousarray(x))
    with torch.no_grad():
        for layer in model.layers:
            t = _apply(layer, t)
    return t.numpy()


def litert_run(content: bytes, inputs: dict[str, np.ndarray], key: str = "serving_default"):
    """Outputs of LiteRT's signature runner on the model bytes."""
    from ai_edge_litert.interpreter import Interpreter

    runner = Interpreter(model_content=content).get_signature_runner(key)
    return runner(**inputs)


def randomize_weights(model, seed: int = 0) -> None:
    """Replace every weight by random values (variances positive), so no weight is trivial."""
    rng = np.random.default_rng(seed)
    new = []
    for v in model.weights:
        w = rng.normal(0.0, 0.5, v.shape).astype(np.float32)
        if v.name.endswith("moving_variance"):
            w = np.abs(w) + 0.5
        new.append(w)
    model.set_weights(new)
