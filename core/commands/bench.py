"""``siglite bench MODEL``: latency of one signature, next to LiteRT or onnxruntime."""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from .run import gather_inputs, open_runner
from .text import Progress, ms_str, table
from .values import parse_assignments, sample_input, savable

HELP = "time one signature (median, p90), next to LiteRT / onnxruntime when installed"

DESCRIPTION = """\
siglite runs the signature --warmup times, then --runs timed times; the median and the 90th
percentile are printed. On the same inputs in the same process, LiteRT (ai-edge-litert) runs a
.tflite model and onnxruntime runs an .onnx model (which siglite converts in memory first) when
those packages are installed; their rows show siglite/this, siglite's median divided by theirs.
A runtime that cannot run the model is reported in a note below the table.
"""


def add_parser(sub: argparse._SubParsersAction, parents: list) -> None:
    p = sub.add_parser(
        "bench",
        help=HELP,
        description=DESCRIPTION,
        parents=parents,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("model", metavar="MODEL", help="a .tflite or .onnx file")
    p.add_argument("--signature", metavar="KEY", help="signature key (optional with one)")
    p.add_argument("--delegates", metavar="A,B", help="siglite delegates, in priority order")
    p.add_argument("--runs", type=_positive, default=50, metavar="N", help="timed runs (50)")
    p.add_argument("--warmup", type=_positive, default=3, metavar="N", help="warm-up runs (3)")
    p.add_argument(
        "--input",
        action="append",
        metavar="NAME=VALUE",
        help="an input value as for `siglite run`; inputs not given get random data with "
        "dynamic dimensions set to 1",
    )
    p.set_defaults(func=run)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def measure(label: str, call: Callable[[], Any], warmup: int, runs: int) -> list[float]:
    """Seconds per call over ``runs`` timed calls after ``warmup`` untimed ones."""
    times = []
    with Progress(f"bench {label}", total=warmup + runs) as progress:
        for _ in range(warmup):
            call()
            progress.step()
        for _ in range(runs):
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
            progress.step()
    return times


def _litert(path: str, key: str, feeds: dict[str, np.ndarray]) -> Callable[[], Any]:
    from ai_edge_litert.interpreter import Interpreter

    runner = Interpreter(model_path=path).get_signature_runner(key)
    fixed = {n: savable(v) for n, v in feeds.items()}  # LiteRT takes strings as fixed bytes
    runner(**fixed)  # fail here, before timing, when LiteRT cannot run the model
    return lambda: runner(**fixed)


def _onnxruntime(path: str, key: str, feeds: dict[str, np.ndarray]) -> Callable[[], Any]:
    import onnxruntime

    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    ort_feeds = {}
    for i, inp in enumerate(session.get_inputs()):
        # siglite names inputs as Python identifiers; fall back to the position.
        name = re.sub(r"\W", "_", inp.name)
        ort_feeds[inp.name] = feeds[name] if name in feeds else list(feeds.values())[i]
    session.run(None, ort_feeds)
    return lambda: session.run(None, ort_feeds)


def _row(label: str, times: list[float], base: float | None) -> tuple[str, ...]:
    median, p90 = float(np.median(times)), float(np.percentile(times, 90))
    ratio = f"{base / median:.2f}" if base is not None else ""
    return (label, ms_str(median), ms_str(p90), str(len(times)), ratio)


def run(args: argparse.Namespace) -> int:
    """Time siglite, then the other runtimes that apply, and print one table."""
    interpreter, runner = open_runner(args.model, args.signature, args.delegates)
    key = runner.signature_key
    sig = interpreter.model.signatures[key]
    given = gather_inputs(sig, parse_assignments(args.input))
    rng = np.random.default_rng(0)
    feeds = {n: given[n] if n in given else sample_input(t, rng) for n, t in sig.inputs.items()}
    names = ", ".join(d.name for d in interpreter.delegates)
    times = measure("siglite", lambda: runner(**feeds), args.warmup, args.runs)
    base = float(np.median(times))
    rows = [_row(f"siglite ({names})", times, None)]
    notes = []
    others = [("onnxruntime", _onnxruntime)] if args.model.lower().endswith(".onnx") else [
        ("litert", _litert)]  # fmt: skip
    for label, make in others:
        try:
            call = make(args.model, key, feeds)
        except ImportError:
            notes.append(f"{label}: not installed")
            continue
        except Exception as exc:  # another runtime's failure is a note, not an error
            why = (str(exc).strip() or type(exc).__name__).splitlines()[0]
            notes.append(f"{label}: cannot run this model: {why}")
            continue
        rows.append(_row(label, measure(label, call, args.warmup, args.runs), base))
    print(f"signature {key!r}, inputs: " + ", ".join(
        f"{n} {sig.inputs[n].dtype.name}{list(v.shape)}" for n, v in feeds.items()))  # fmt: skip
    print(table(("runtime", "median", "p90", "runs", "siglite/this"), rows))
    for note in notes:
        print(note)
    return 0
