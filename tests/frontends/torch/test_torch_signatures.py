"""Several signatures in one model, shared weights, signature names, options."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn
from torch_frontend_helpers import check, convert, eager, feed, litert
from torch_frontend_zoo import randomize_norms

import siglite as sl


class Encoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, padding=1)
        self.bn = nn.BatchNorm2d(16)
        self.proj = nn.Linear(16 * 8 * 8, 128)

    def forward(self, image):
        y = torch.relu(self.bn(self.conv(image)))
        return self.proj(torch.flatten(y, 1))


class Classifier(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = randomize_norms(Encoder(), 3)
        self.head = nn.Linear(128, 10)

    def forward(self, image):
        return self.head(torch.relu(self.encoder(image)))


@pytest.fixture(scope="module")
def two_signatures():
    torch.manual_seed(0)
    model = Classifier().eval()
    batch = torch.export.Dim("batch", max=32)
    image = torch.randn(2, 3, 8, 8)
    spec = {
        "encode": (model.encoder, (image,), None, {"image": {0: batch}}),
        "classify": (model, (image,), {"dynamic_shapes": {"image": {0: batch}}}),
    }
    data, ir = convert(spec)
    return model, data, ir


def test_each_signature_matches_torch(two_signatures):
    model, data, ir = two_signatures
    assert list(ir.signatures) == ["classify", "encode"]
    image = (torch.randn(3, 3, 8, 8),)
    check(model.encoder, image, data, ir, key="encode")
    check(model, image, data, ir, key="classify")


def test_shared_weights_are_stored_once(two_signatures):
    model, data, _ = two_signatures
    only_classify, _ = convert(model, (torch.randn(2, 3, 8, 8),))
    weight_bytes = model.encoder.proj.weight.numel() * 4
    assert weight_bytes > 100_000
    # one copy of the encoder, not two: the encode signature adds far less than its weights
    assert len(data) < len(only_classify) + weight_bytes // 4


def test_callable_using_submodules_becomes_a_signature():
    torch.manual_seed(1)
    model = Classifier().eval()

    def embed(image):
        return torch.relu(model.encoder(image))

    image = (torch.randn(2, 3, 8, 8),)
    data, ir = convert({"embed": (embed, image), "classify": (model, image)})
    check(embed, image, data, ir, key="embed")
    check(model, image, data, ir, key="classify")
    assert len(data) < 2 * model.encoder.proj.weight.numel() * 4


class Named(nn.Module):
    def forward(self, x, *, scale, offset=None):
        y = x * scale
        return {"logits": (y, y + 1), "pair": {"first": y - offset, "second": y.sum(1)}}


def test_names_from_arguments_and_nested_outputs():
    x, scale, offset = torch.randn(2, 3), torch.randn(2, 3), torch.randn(2, 3)
    kwargs = {"scale": scale, "offset": offset}
    data, ir = convert(Named(), (x,), sample_kwargs=kwargs)
    sig = ir.signatures["serving_default"]
    assert list(sig.inputs) == ["x", "scale", "offset"]
    assert list(sig.outputs) == ["logits_0", "logits_1", "pair_first", "pair_second"]
    check(Named(), (x,), data, ir, kwargs=kwargs)


class Pairs(nn.Module):
    def forward(self, a, b):
        return a + b, (a * b, a - b)


def test_tuple_outputs_are_numbered():
    args = (torch.randn(4), torch.randn(4))
    data, ir = convert(Pairs(), args, signature_key="pairs")
    sig = ir.signatures["pairs"]
    assert list(sig.inputs) == ["a", "b"]
    assert list(sig.outputs) == ["output_0", "output_1_0", "output_1_1"]
    check(Pairs(), args, data, ir, key="pairs")


def test_nhwc_io_option():
    torch.manual_seed(2)
    conv = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU()).eval()
    x = torch.randn(1, 3, 6, 5)
    data, ir = convert(conv, (x,), nhwc_io=True)
    sig = ir.signatures["serving_default"]
    name = list(sig.inputs)[0]
    assert sig.inputs[name].signature_shape == (1, 6, 5, 3)
    assert list(sig.outputs.values())[0].signature_shape == (1, 6, 5, 4)
    assert [n.op for n in ir.subgraphs[0].nodes] == ["CONV_2D"]
    want = np.transpose(eager(conv, (x,))[0], (0, 2, 3, 1))
    inputs = feed([name], (np.transpose(x.numpy(), (0, 2, 3, 1)),))
    for runner in (sl.Interpreter(model_content=data), litert(data)):
        got = runner.get_signature_runner()(**inputs)["output_0"]
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_input_returned_unchanged_is_a_distinct_output():
    class Echo(nn.Module):
        def forward(self, x):
            return x, x * 2

    data, ir = convert(Echo(), (torch.randn(2, 2),))
    check(Echo(), (torch.randn(2, 2),), data, ir)


def test_bad_signature_specs_are_rejected():
    with pytest.raises(sl.ConverterError):
        convert({"a b": (nn.ReLU(), (torch.randn(2),))})
    with pytest.raises(sl.ConverterError):
        convert({"a": (nn.ReLU(), (torch.randn(2),), None, None, "extra")})
    with pytest.raises(sl.ConverterError):
        convert(42, (torch.randn(2),))


def test_equal_constants_of_different_modules_are_stored_once():
    torch.manual_seed(4)
    first = nn.Linear(256, 256).eval()
    second = nn.Linear(256, 256).eval()
    second.load_state_dict(first.state_dict())  # equal values, distinct parameters
    x = (torch.randn(2, 256),)
    one, _ = convert(first, x)
    both, ir = convert({"a": (first, x), "b": (nn.Sequential(second, nn.ReLU()), x)})
    assert len(both) < len(one) + first.weight.numel() * 4 // 2
    check(first, x, both, ir, key="a")
