"""``siglite run MODEL --signature KEY --input name=VALUE ...``: run one signature once."""

from __future__ import annotations

import argparse
import os

import numpy as np

from ..errors import InputError, InvalidModelError, SignatureError
from ..ir import Signature
from .text import Progress, shape_str
from .values import as_input, parse_assignments, savable

HELP = "run one signature of a .tflite model on given inputs"

DESCRIPTION = """\
Run one signature of MODEL with siglite's interpreter and print each output (or write them all
to an .npz file with -o).

Each --input NAME=VALUE gives one input of the signature. VALUE is a JSON literal ([1, 2.5],
"text"), the path of a .npy file (read without pickle) or @FILE naming a file that holds JSON.
Values are converted to the input's dtype (integers must be whole and in range); strings are
stored UTF-8. --signature may be left out when the model has exactly one signature.

MODEL may also be an .onnx file, which is converted in memory first (its one signature is
serving_default).
"""


def add_parser(sub: argparse._SubParsersAction, parents: list) -> None:
    p = sub.add_parser(
        "run",
        help=HELP,
        description=DESCRIPTION,
        parents=parents,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("model", metavar="MODEL", help="a .tflite (or .onnx) file")
    p.add_argument("--signature", metavar="KEY", help="signature key (optional with one)")
    p.add_argument(
        "--input",
        action="append",
        metavar="NAME=VALUE",
        help="an input value (repeat for each input)",
    )
    p.add_argument("--delegates", metavar="A,B", help="delegates to use, in priority order")
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT.npz",
        help="write the outputs to an .npz file (strings as bytes)",
    )
    p.set_defaults(func=run)


def delegate_list(text: str | None) -> list[str]:
    """``"a,b"`` as ``["a", "b"]``."""
    return [d.strip() for d in (text or "").split(",") if d.strip()]


def open_interpreter(model: str, delegates: str | None = None):
    """An interpreter for the ``.tflite`` file ``model``, or for an ``.onnx`` file converted in
    memory."""
    from ..runtime import Interpreter

    names = delegate_list(delegates)
    if model.lower().endswith(".onnx") and os.path.isfile(model):
        from ..converter import Converter

        with Progress(f"converting {model}"):
            converted = Converter.from_onnx(model).convert_model()
        return Interpreter(model=converted, delegates=names)
    return Interpreter(model_path=check_model_file(model), delegates=names)


def check_model_file(path: str) -> str:
    """``path`` when it is a file; for a directory, an error that names the model file to use."""
    if os.path.isdir(path):
        inside = os.path.join(path, "model.tflite")
        hint = f"; its model file is {inside!r}" if os.path.isfile(inside) else ""
        raise InvalidModelError(f"{path!r} is a directory, not a .tflite file{hint}")
    return path


def open_runner(model: str, key: str | None, delegates: str | None = None):
    """The interpreter for ``model`` and the runner of ``key`` (which may be left out only when
    the model has one signature)."""
    interpreter = open_interpreter(model, delegates)
    keys = list(interpreter.get_signature_list())
    if key is None and len(keys) != 1:
        raise SignatureError(
            f"{model!r} has {len(keys)} signatures; choose one with --signature KEY "
            f"({', '.join(keys) or 'none'})"
        )
    return interpreter, interpreter.get_signature_runner(key)


def gather_inputs(sig: Signature, assignments: dict[str, str]) -> dict[str, np.ndarray]:
    """The ``--input`` values converted to the dtypes of ``sig``'s inputs."""
    out = {}
    for name, text in assignments.items():
        if name not in sig.inputs:
            known = ", ".join(sorted(sig.inputs)) or "none"
            raise InputError(f"signature {sig.key!r} has no input {name!r} (inputs: {known})")
        out[name] = as_input(name, text, sig.inputs[name])
    return out


def run(args: argparse.Namespace) -> int:
    """Run the signature and print or save its outputs."""
    interpreter, runner = open_runner(args.model, args.signature, args.delegates)
    sig = interpreter.model.signatures[runner.signature_key]
    outputs = runner(**gather_inputs(sig, parse_assignments(args.input)))
    if args.output:
        # np.savez adds ".npz" to a name without it; report the file really written.
        path = args.output if args.output.endswith(".npz") else args.output + ".npz"
        np.savez(path, **{k: savable(v) for k, v in outputs.items()})
        print(f"wrote {path} ({', '.join(outputs)})")
        return 0
    with np.printoptions(threshold=200, edgeitems=5):
        for name, value in outputs.items():
            print(f"{name}: {value.dtype}{shape_str(value.shape)}")
            print(value)
    return 0
