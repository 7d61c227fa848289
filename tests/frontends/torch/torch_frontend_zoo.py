"""A small model zoo for the PyTorch frontend tests: random weights, eval mode.

Each entry builds ``(module, sample_args, dynamic_shapes, make_inputs)``; ``make_inputs(batch)``
gives fresh random inputs of that batch size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


def randomize_norms(module: nn.Module, seed: int = 0) -> nn.Module:
    """Give batch norms non-trivial running statistics and affine parameters."""
    g = torch.Generator().manual_seed(seed)
    for m in module.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=g) * 0.5)
            m.running_var.copy_(torch.rand(n, generator=g) + 0.5)
            m.weight.data.copy_(torch.rand(n, generator=g) + 0.5)
            m.bias.data.copy_(torch.randn(n, generator=g) * 0.2)
    return module.eval()


class MLP(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(20, 64)
        self.fc2 = nn.Linear(64, 32)
        self.out = nn.Linear(32, 10)

    def forward(self, features):
        h = F.relu(self.fc1(features))
        h = torch.tanh(self.fc2(h))
        return torch.softmax(self.out(h), dim=-1)


class BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)
            )

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.down is None else self.down(x)))


class ResNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()
        )
        self.pool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = BasicBlock(16, 16, 1)
        self.layer2 = BasicBlock(16, 32, 2)
        self.head = nn.Linear(32, 10)

    def forward(self, image):
        y = self.layer2(self.layer1(self.pool(self.stem(image))))
        return self.head(torch.flatten(F.adaptive_avg_pool2d(y, 1), 1))


class SqueezeExcite(nn.Module):
    def __init__(self, c: int) -> None:
        super().__init__()
        self.fc1 = nn.Conv2d(c, c // 4, 1)
        self.fc2 = nn.Conv2d(c // 4, c, 1)

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        return x * F.hardsigmoid(self.fc2(F.relu(self.fc1(s))))


class InvertedResidual(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int, expand: int, act: type) -> None:
        super().__init__()
        mid = cin * expand
        self.use_res = stride == 1 and cin == cout
        self.block = nn.Sequential(
            nn.Conv2d(cin, mid, 1, bias=False), nn.BatchNorm2d(mid), act(),
            nn.Conv2d(mid, mid, 3, stride, 1, groups=mid, bias=False), nn.BatchNorm2d(mid), act(),
            SqueezeExcite(mid),
            nn.Conv2d(mid, cout, 1, bias=False), nn.BatchNorm2d(cout),
        )  # fmt: skip

    def forward(self, x):
        y = self.block(x)
        return x + y if self.use_res else y


class MobileNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16), nn.Hardswish()
        )
        self.blocks = nn.Sequential(
            InvertedResidual(16, 16, 1, 2, nn.ReLU6),
            InvertedResidual(16, 24, 2, 3, nn.Hardswish),
            InvertedResidual(24, 24, 1, 3, nn.Hardswish),
        )
        self.head = nn.Sequential(nn.Dropout(0.2), nn.Linear(24, 7))

    def forward(self, image):
        y = self.blocks(self.stem(image))
        return self.head(y.mean(dim=(2, 3)))


class Transformer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(100, 32)
        self.pos = nn.Parameter(torch.randn(1, 16, 32) * 0.1)
        self.encoder = nn.TransformerEncoderLayer(32, 4, 64, dropout=0.1, batch_first=True)
        self.norm = nn.LayerNorm(32)
        self.head = nn.Linear(32, 5)

    def forward(self, tokens):
        x = self.embed(tokens) + self.pos[:, : tokens.shape[1]]
        x = self.norm(self.encoder(x))
        attn = F.scaled_dot_product_attention(x[:, None], x[:, None], x[:, None])[:, 0]
        return {"logits": self.head(F.gelu(attn).mean(dim=1)), "features": x}


class LSTMClassifier(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(60, 16)
        self.lstm = nn.LSTM(16, 24, batch_first=True)
        self.gru = nn.GRU(24, 12, batch_first=True)
        self.fc = nn.Linear(12, 4)

    def forward(self, tokens):
        y, (h, c) = self.lstm(self.embed(tokens))
        z, _ = self.gru(y)
        return self.fc(z[:, -1]), h[0]


@dataclass
class ZooEntry:
    name: str
    module: nn.Module
    sample_args: tuple
    dynamic_shapes: Any
    make_inputs: Callable[[int], tuple]
    batches: tuple[int, ...] = (2, 5)


def _images(c: int, hw: int, seed: int) -> Callable[[int], tuple]:
    g = torch.Generator().manual_seed(seed)
    return lambda b: (torch.randn(b, c, hw, hw, generator=g),)


def _tokens(vocab: int, length: int, seed: int) -> Callable[[int], tuple]:
    g = torch.Generator().manual_seed(seed)
    return lambda b: (torch.randint(0, vocab, (b, length), generator=g),)


def build_zoo() -> list[ZooEntry]:
    """The zoo; each module in eval mode with seeded random weights."""
    torch.manual_seed(0)
    batch = torch.export.Dim("batch", min=1, max=64)
    feats = torch.Generator().manual_seed(1)
    entries = [
        ZooEntry("mlp", MLP().eval(), (torch.randn(3, 20),), {"features": {0: batch}},
                 lambda b: (torch.randn(b, 20, generator=feats),)),
        ZooEntry("resnet", randomize_norms(ResNet(), 1), (torch.randn(2, 3, 32, 32),),
                 {"image": {0: batch}}, _images(3, 32, 2)),
        ZooEntry("mobilenet", randomize_norms(MobileNet(), 2), (torch.randn(2, 3, 32, 32),),
                 {"image": {0: batch}}, _images(3, 32, 3)),
        ZooEntry("transformer", Transformer().eval(), (torch.randint(0, 100, (2, 16)),),
                 {"tokens": {0: batch}}, _tokens(100, 16, 4)),
        ZooEntry("lstm", LSTMClassifier().eval(), (torch.randint(0, 60, (2, 9)),),
                 {"tokens": {0: batch}}, _tokens(60, 9, 5)),
    ]  # fmt: skip
    return entries


def torch_outputs(module: nn.Module, args: tuple) -> list[np.ndarray]:
    """The module's outputs, flattened in signature order (dict values, tuple items)."""
    with torch.no_grad():
        out = module(*args)
    leaves = torch.utils._pytree.tree_leaves(out)
    return [leaf.numpy() for leaf in leaves]
