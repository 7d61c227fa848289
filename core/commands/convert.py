"""``siglite convert SOURCE -o OUT.tflite``: convert a model and print what was written."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import ConverterError
from ..ir import Model
from .sources import converter_for
from .summary import format_summary
from .text import Progress

HELP = "convert a saved model, an .onnx file or a Python object into a .tflite file"

DESCRIPTION = """\
Convert SOURCE into a TFLite flatbuffer and print a summary (signatures with their inputs and
outputs, op counts, file size).

SOURCE is one of:
  DIR                 a saved-model directory written by sl.saved_model.save
  FILE.onnx           an ONNX model
  FILE.py:NAME        an object defined in a Python file (the file is run to get it)
  MODULE:NAME         an object in an importable module (NAME may be dotted)

The object may be
  - an sl.Module (each @sl.function method with an input_signature becomes a signature named
    after the method), an sl.keras.Sequential model, a concrete function or a list of them;
  - a siglite Model, an sl.Converter (e.g. from sl.Converter.from_models, with its settings),
    or the bytes of a .tflite file;
  - an onnx.ModelProto;
  - for PyTorch, a dict {"module": torch_module, "sample_args": (tensor, ...)}, optionally
    with "sample_kwargs" and "dynamic_shapes" (torch.export.Dim), or a dict
    {key: (module, sample_args), ...} with one signature per key.
"""


def add_parser(sub: argparse._SubParsersAction, parents: list) -> None:
    p = sub.add_parser(
        "convert",
        help=HELP,
        description=DESCRIPTION,
        parents=parents,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("source", metavar="SOURCE", help="what to convert (see above)")
    p.add_argument("-o", "--output", required=True, metavar="OUT.tflite", help="file to write")
    p.add_argument(
        "--signature-key",
        action="append",
        metavar="KEY",
        help="repeatable; a saved model or a multi-signature object keeps only these keys; a "
        "single-signature source (ONNX, Keras-like, torch, one function) is given this one key",
    )
    p.add_argument(
        "--select-ops",
        action="store_true",
        help="allow TF Select ops (adds SELECT_TF_OPS to the target spec)",
    )
    p.add_argument("--allow-custom-ops", action="store_true", help="allow custom (plugin) ops")
    p.add_argument(
        "--nhwc-io",
        action="store_true",
        help="ONNX files: make 4-D signature inputs and outputs NHWC (default: the graph's NCHW)",
    )
    p.set_defaults(func=run)


def rekey(model: Model, keys: list[str]) -> Model:
    """Give the signatures ``keys`` (in model order), then restore the key-ordered layout."""
    from ..passes import order_signatures

    sigs = list(model.signatures.values())
    if not keys or [s.key for s in sigs] == keys:
        return model
    if len(keys) != len(sigs):
        raise ConverterError(f"expected {len(sigs)} signature keys, got {len(keys)}")
    for sig, key in zip(sigs, keys, strict=True):
        sig.key = key
    model.signatures = {s.key: s for s in sigs}
    return order_signatures(model)


def _op_set_hint(exc: ConverterError) -> ConverterError:
    lines = str(exc).splitlines()
    if len(lines) > 1 and "op sets" in lines[0]:
        found = "; ".join(line.strip() for line in lines[1:])
        return ConverterError(
            f"the model uses ops outside the allowed op sets (add --select-ops for TF Select "
            f"ops, --allow-custom-ops for custom ops): {found}"
        )
    return exc


def convert(args: argparse.Namespace) -> tuple[Model, bytes]:
    """Build, check and serialize the model described by the command's arguments."""
    from ..converter import OpsSet
    from ..format import write_model

    converter, keys = converter_for(args.source, args.signature_key, nhwc_io=args.nhwc_io)
    # The flags only widen what a source's own Converter (with its settings) allows.
    if args.select_ops:
        ops = set(converter.target_spec.supported_ops)
        converter.target_spec.supported_ops = ops | {OpsSet.TFLITE_BUILTINS, OpsSet.SELECT_TF_OPS}
    if args.allow_custom_ops:
        converter.allow_custom_ops = True
    try:
        model = converter.convert_model()
    except ConverterError as exc:
        raise _op_set_hint(exc) from exc
    model = rekey(model, keys)
    return model, write_model(model)


def run(args: argparse.Namespace) -> int:
    """Convert, write ``--output`` and print the summary."""
    with Progress(f"converting {args.source}"):
        model, data = convert(args)
    out = Path(args.output)
    out.write_bytes(data)
    print(f"wrote {out}")
    print(format_summary(model, len(data)))
    return 0
