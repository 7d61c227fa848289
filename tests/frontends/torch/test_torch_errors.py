"""Errors: unsupported ops name the ATen op and the Python line; no silently wrong models."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest
import torch
from torch import nn
from torch_frontend_helpers import convert

import siglite as sl


class Sorts(nn.Module):
    def forward(self, x):
        y = x * 2
        return torch.sort(y, dim=-1).values  # the unsupported line


def test_unsupported_op_names_op_and_source_line():
    line = next(
        i
        for i, text in enumerate(inspect.getsource(Sorts).splitlines())
        if "unsupported line" in text
    )
    lineno = inspect.getsourcelines(Sorts)[1] + line
    with pytest.raises(sl.UnsupportedOpError) as info:
        convert(Sorts(), (torch.randn(2, 5),))
    message = str(info.value)
    assert "aten.sort" in message
    assert __file__.split("/")[-1] in message and f"line {lineno}" in message
    assert "torch.sort(y, dim=-1)" in message


def test_boolean_mask_indexing_is_rejected():
    class Mask(nn.Module):
        def forward(self, x, m):
            return x[:, m]

    with pytest.raises((sl.UnsupportedOpError, sl.ConverterError)):
        convert(Mask(), (torch.randn(2, 4), torch.tensor([True, False, True, True])))


def test_training_mode_state_updates_are_rejected():
    bn = nn.BatchNorm1d(3).train()
    with pytest.raises(sl.ConverterError, match="eval mode"):
        convert(bn, (torch.randn(4, 3),))


def test_unsupported_arguments_are_rejected_not_ignored():
    class Div(nn.Module):
        def forward(self, x):
            return torch.div(x.long(), 3, rounding_mode="trunc")

    with pytest.raises(sl.UnsupportedOpError, match="trunc"):
        convert(Div(), (torch.randn(3),))


def test_import_siglite_does_not_import_torch():
    code = "import sys, siglite; sl = siglite; sl.Converter; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_inexact_interpolate_scale_is_rejected():
    """torch maps pixels with 1/scale_factor, TFLite with in/out: 5 * 1.7 -> 8 differs."""

    class Up(nn.Module):
        def forward(self, x):
            return nn.functional.interpolate(x, scale_factor=1.7, mode="bilinear")

    with pytest.raises(sl.UnsupportedOpError, match="upsample_bilinear2d.*recompute_scale"):
        convert(Up(), (torch.randn(1, 2, 5, 5),))


def test_integer_index_assignment_is_rejected():
    class Put(nn.Module):
        def forward(self, x, i):
            x = x.clone()
            x[i] = 0.0
            return x

    with pytest.raises(sl.UnsupportedOpError, match="index_put"):
        convert(Put(), (torch.randn(3, 4), torch.tensor([0, 2])))


def test_uninitialised_memory_is_stored_as_zeros():
    """Circular padding writes into torch.empty; the file must not hold stale memory."""
    conv = nn.Conv2d(2, 3, 3, padding=1, padding_mode="circular").eval()
    first, _ = convert(conv, (torch.randn(1, 2, 5, 6),))
    torch.empty(1, 2, 7, 8).fill_(123.0)  # reuse the allocator's memory with other contents
    second, _ = convert(conv, (torch.randn(1, 2, 5, 6),))
    assert first == second


def test_integer_bitwise_ops_are_rejected():
    """TFLite's logical ops take bool only; integer & | ~ have no builtin."""

    class And(nn.Module):
        def forward(self, x, y):
            return x & y

    ints = torch.tensor([3, 5], dtype=torch.int32)
    with pytest.raises(sl.UnsupportedOpError, match="bitwise_and.*bool tensors only"):
        convert(And(), (ints, ints))
