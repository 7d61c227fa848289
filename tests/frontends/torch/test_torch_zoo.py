"""Model zoo: each converts and matches torch eager in siglite and in LiteRT."""

from __future__ import annotations

import pytest
from torch_frontend_helpers import check, convert
from torch_frontend_zoo import build_zoo, randomize_norms

ZOO = {e.name: e for e in build_zoo()}
_CACHE: dict[str, tuple] = {}


def converted(name: str) -> tuple:
    if name not in _CACHE:
        e = ZOO[name]
        _CACHE[name] = convert(e.module, e.sample_args, dynamic_shapes=e.dynamic_shapes)
    return _CACHE[name]


@pytest.mark.parametrize("name", list(ZOO))
def test_zoo_model_matches_torch(name):
    entry = ZOO[name]
    data, model = converted(name)
    for batch in entry.batches:
        check(entry.module, entry.make_inputs(batch), data, model)


@pytest.mark.parametrize("name", list(ZOO))
def test_zoo_model_has_dynamic_batch_and_builtins_only(name):
    data, model = converted(name)
    sig = model.signatures["serving_default"]
    for t in sig.inputs.values():
        assert t.signature_shape[0] == -1
    assert all(op.isupper() for op in {n.op for n in model.subgraphs[0].nodes})


def test_cnn_layout_transposes_cancel():
    """NCHW in and out, NHWC inside: the cancelling transposes are gone."""
    for name in ("resnet", "mobilenet"):
        _, model = converted(name)
        ops = [n.op for n in model.subgraphs[0].nodes]
        convs = sum(op in ("CONV_2D", "DEPTHWISE_CONV_2D") for op in ops)
        assert ops.count("TRANSPOSE") <= 2 < convs, (name, ops)


def test_batch_norm_is_folded_into_convolutions():
    _, model = converted("resnet")
    ops = [n.op for n in model.subgraphs[0].nodes]
    assert "MUL" not in ops and "RSQRT" not in ops


def test_fan_out_activations_keep_nhwc_inside():
    """SiLU and squeeze-excitation read a tensor twice; no transposes are left between convs."""
    import torch
    from torch import nn
    from torch.nn import functional as F

    class Block(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 8, 3, padding=1)
            self.bn = nn.BatchNorm2d(8)
            self.se1, self.se2 = nn.Linear(8, 2), nn.Linear(2, 8)
            self.out = nn.Conv2d(8, 4, 1)

        def forward(self, x):
            y = F.silu(self.bn(self.conv(x)))
            gate = torch.sigmoid(
                self.se2(F.relu(self.se1(y.mean((2, 3), keepdim=True).flatten(1))))
            )
            y = y * gate[:, :, None, None] + y
            return self.out(F.hardswish(y) + F.hardsigmoid(y))

    torch.manual_seed(3)
    block = randomize_norms(Block(), 4)
    batch = torch.export.Dim("batch", max=8)
    data, model = convert(block, (torch.randn(2, 3, 6, 6),), dynamic_shapes={"x": {0: batch}})
    ops = [n.op for n in model.subgraphs[0].nodes]
    assert ops.count("TRANSPOSE") == 2, ops
    for b in (1, 3):
        check(block, (torch.randn(b, 3, 6, 6),), data, model)
