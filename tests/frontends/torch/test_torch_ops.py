"""ATen op coverage: small modules converted and compared with torch eager and LiteRT."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from torch import nn
from torch.nn import functional as F
from torch_frontend_helpers import check, convert


class Fn(nn.Module):
    """A module whose forward is ``fn`` (keeps the cases one line each)."""

    def __init__(self, fn: Callable, *children: nn.Module) -> None:
        super().__init__()
        self.fn = fn
        self.children_ = nn.ModuleList(children)

    def forward(self, *xs):
        return self.fn(*xs, *self.children_)


def r(*shape):
    return torch.randn(*shape)


def _writes(x):
    """In-place writes: export turns them into copy / slice_scatter / select_scatter."""
    y = x.clone()
    y[:, 0] = 0
    y[1:, 2:3] = x[:2, :1]
    y[:, ::2] += 1
    y[-1] = x[0] * 3
    return y


def _masked(x, mask):
    y = x * 2
    y[mask] = -1.5
    y[y > 1] = 0
    return y


torch.manual_seed(0)
CASES = {
    "conv1d": (Fn(lambda x, c: c(x), nn.Conv1d(4, 6, 3, stride=2, padding=1)), r(2, 4, 11)),
    "conv_grouped": (Fn(lambda x, c: c(x), nn.Conv2d(4, 6, 3, groups=2, padding=1)), r(1, 4, 7, 7)),
    "conv_depthwise_x2": (Fn(lambda x, c: c(x), nn.Conv2d(3, 6, 3, groups=3)), r(1, 3, 8, 8)),
    "conv_dilated": (
        Fn(lambda x, c: c(x), nn.Conv2d(3, 4, 3, dilation=2, padding=2)),
        r(1, 3, 9, 9),
    ),
    "conv_transpose": (
        Fn(lambda x, c: c(x), nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1)),
        r(2, 4, 5, 5),
    ),
    "conv_transpose_plain": (Fn(lambda x, c: c(x), nn.ConvTranspose2d(2, 3, 2, 2)), r(1, 2, 4, 4)),
    "avg_pool_pad": (Fn(lambda x: F.avg_pool2d(x, 3, 2, 1)), r(1, 2, 9, 9)),
    "avg_pool_exclude_pad": (
        Fn(lambda x: F.avg_pool2d(x, 3, 1, 1, count_include_pad=False)),
        r(1, 2, 6, 6),
    ),
    "max_pool_ceil": (Fn(lambda x: F.max_pool2d(x, 2, 2, ceil_mode=True)), r(1, 2, 7, 7)),
    "adaptive_pool_2x2": (Fn(lambda x: F.adaptive_avg_pool2d(x, 2)), r(1, 3, 8, 6)),
    "upsample_nearest": (Fn(lambda x: F.interpolate(x, scale_factor=2)), r(1, 2, 3, 4)),
    "upsample_bilinear": (
        Fn(lambda x: F.interpolate(x, size=(7, 5), mode="bilinear")),
        r(1, 2, 3, 4),
    ),
    "upsample_bilinear_corners": (
        Fn(lambda x: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=True)),
        r(1, 2, 3, 4),
    ),
    "conv_reflect_pad": (
        Fn(lambda x, c: c(x), nn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect")),
        r(1, 2, 5, 6),
    ),
    "pixel_shuffle": (Fn(lambda x: F.pixel_shuffle(x, 2)), r(1, 8, 3, 3)),
    "batch_norm_1d": (
        Fn(lambda x, b: b(x), nn.BatchNorm1d(5).eval()),
        r(4, 5),
    ),
    "mha": (
        Fn(
            lambda x, m: m(x, x, x, need_weights=False)[0],
            nn.MultiheadAttention(8, 2, batch_first=True),
        ),
        r(2, 5, 8),
    ),
    "sdpa_causal": (
        Fn(lambda x: F.scaled_dot_product_attention(x, x, x, is_causal=True)),
        r(2, 2, 4, 8),
    ),
    "layer_norm_gelu_tanh": (
        Fn(lambda x, n: F.gelu(n(x), approximate="tanh"), nn.LayerNorm(6)),
        r(3, 6),
    ),
    "log_softmax_dim1": (Fn(lambda x: F.log_softmax(x, dim=1)), r(2, 5, 3)),
    "softmax_dim0": (Fn(lambda x: torch.softmax(x, 0)), r(4, 3)),
    "activations": (
        Fn(
            lambda x, p: F.leaky_relu(x, 0.2) + F.elu(x) + p(x) + F.silu(x) + F.hardsigmoid(x),
            nn.PReLU(3),
        ),
        r(2, 3, 4),
    ),  # fmt: skip
    "clamp_and_casts": (
        Fn(lambda x: torch.clamp(x, -0.5, 0.7) + (x * 3).to(torch.int32).to(torch.float32)),
        r(3, 4),
    ),
    "reductions": (
        Fn(lambda x: x.amax(1) + x.amin(1) + x.sum(1) + x.prod(1) + x.var(1)),
        r(3, 4),
    ),
    "argmax_keepdim": (Fn(lambda x: x.argmax(dim=1, keepdim=True)), r(3, 5)),
    "argmin_flat": (Fn(lambda x: x.argmin()), r(3, 5)),
    "cumsum": (Fn(lambda x: torch.cumsum(x, dim=1)), r(2, 6)),
    "where_compare": (Fn(lambda x: torch.where(x > 0.1, x, -x) * (x != 0)), r(3, 4)),
    "any_all": (Fn(lambda x: (x > 0).any(1) & ~(x > 2).all(1)), r(3, 4)),
    "cat_split_chunk": (
        Fn(lambda x: torch.cat([*torch.split(x, [1, 3], 1)[::-1], *x.chunk(2, 1)], 1)),
        r(2, 4),
    ),
    "slice_select_step": (Fn(lambda x: x[:, 1:7:2] + x[:, -1:] + x[-1, 3]), r(3, 8)),
    "expand_permute": (Fn(lambda x: x[:, None].expand(3, 2, 4).permute(2, 0, 1)), r(3, 4)),
    "pad_flip_repeat": (
        Fn(lambda x: F.pad(x, (1, 2, 0, 1), value=0.5).flip(1).repeat(1, 2)),
        r(2, 3),
    ),
    "gather": (
        Fn(lambda x: torch.gather(x, 1, torch.tensor([[0, 2, 1], [3, 3, 1]]))),
        r(2, 4),
    ),
    "index_tensor": (Fn(lambda x: x[:, torch.tensor([2, 0, -1])]), r(3, 4)),
    "arange_math": (
        Fn(lambda x: x * torch.arange(4).float() / 3 + x.pow(2) + x.abs().sqrt().exp().log()),
        r(2, 4),
    ),
    "integer_ops_siglite_only": (
        Fn(lambda x: (x * 10).long() // 3 + (x * 10).long() % 4 + (x > 0).long().cumsum(1)),
        r(3, 4),
    ),
    "embedding": (
        Fn(lambda x, e: e(x).sum(1), nn.Embedding(10, 4)),
        torch.tensor([[1, 2, 3], [9, 0, 4]]),
    ),
    "argmax_all_keepdim": (Fn(lambda x: x.argmax(keepdim=True)), r(3, 5)),
    "max_min_dim": (Fn(lambda x: (*x.max(1), *torch.min(x, 0, keepdim=True))), r(3, 5)),
    "inplace_writes": (Fn(_writes), r(3, 4)),
    "masked_assign": (Fn(_masked), (r(3, 4, 2), torch.rand(3, 4) > 0.5)),
    "conv_circular_pad": (
        Fn(lambda x, c: c(x), nn.Conv2d(2, 3, 3, padding=1, padding_mode="circular")),
        r(1, 2, 5, 6),
    ),
    "index_two_tensors_adjacent": (
        Fn(lambda x, i, j: x[:, i, j[:, None]]),
        (r(2, 3, 4, 5), torch.tensor([0, -1, 2]), torch.tensor([3, 1])),
    ),
    "index_two_tensors_apart": (
        Fn(lambda x, i, j: x[i, :, j]),
        (r(3, 4, 5), torch.tensor([[0], [2]]), torch.tensor([1, 3, 4])),
    ),
    "upsample_nearest_exact": (
        Fn(lambda x: F.interpolate(x, scale_factor=2, mode="nearest-exact")),
        r(1, 2, 3, 4),
    ),
    "bool_bitwise": (
        Fn(lambda x, y: ((x > 0) ^ (y > 0)) | ~(x > y) & (y < 0.5)),
        (r(3, 4), r(3, 4)),
    ),
    "int_square_trunc_isnan": (
        Fn(lambda x, y: (x.pow(2), torch.trunc(y * 3), torch.isnan((y * 0) / (y > 0)))),
        (torch.randint(-9, 9, (3, 4), dtype=torch.int32), r(3, 4)),
    ),
    "vector_norms": (
        Fn(lambda x: F.normalize(x, dim=-1) + torch.linalg.vector_norm(x, float("inf"), 0)),
        r(3, 4),
    ),
    "group_norm": (Fn(lambda x, g: g(x), nn.GroupNorm(2, 6)), r(2, 6, 3, 4)),
    "float16_io": (
        Fn(lambda x, c: torch.softmax(c(x), 1), nn.Conv2d(3, 4, 3).half()),
        r(1, 3, 5, 5).half(),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_op_matches_torch(name):
    module, x = CASES[name]
    args = x if isinstance(x, tuple) else (x,)
    module.eval()
    data, model = convert(module, args)
    # LiteRT has no int64 FLOOR_DIV kernel; siglite's interpreter runs it exactly
    check(module, args, data, model, use_litert=not name.endswith("siglite_only"))


class DynamicReshape(nn.Module):
    """Sizes read at run time: two dynamic dims in one view, arange over a dynamic length."""

    def forward(self, x):
        b, t, _ = x.shape
        y = x.reshape(b, t, 2, 3).transpose(1, 2).reshape(b, 2, t * 3)
        return y * torch.arange(t * 3, dtype=torch.float32), x.new_zeros(b, t)


def test_symbolic_sizes_become_runtime_shapes():
    b, t = torch.export.Dim("b", max=16), torch.export.Dim("t", max=16)
    module = DynamicReshape()
    data, model = convert(module, (r(2, 3, 6),), dynamic_shapes={"x": {0: b, 1: t}})
    sig = model.signatures["serving_default"]
    assert sig.inputs["x"].signature_shape == (-1, -1, 6)
    assert sig.outputs["output_0"].signature_shape == (-1, 2, -1)
    for shape in [(2, 3, 6), (4, 5, 6)]:
        check(module, (r(*shape),), data, model)


def test_group_norm_with_dynamic_batch():
    torch.manual_seed(5)
    module = nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.GroupNorm(3, 6), nn.SiLU()).eval()
    batch = torch.export.Dim("batch", max=8)
    data, model = convert(module, (r(2, 3, 5, 5),), dynamic_shapes=({0: batch},))
    for b in (1, 3):
        check(module, (r(b, 3, 5, 5),), data, model)
