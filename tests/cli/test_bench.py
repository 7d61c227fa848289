"""``siglite bench``: timings for siglite next to LiteRT / onnxruntime (never asserted)."""

from __future__ import annotations

import io

from cli_support import FIXTURES, assert_clean_failure, siglite

from siglite.commands.text import Progress


def _rows(stdout: str) -> dict[str, list[str]]:
    return {ln.split()[0]: ln.split() for ln in stdout.splitlines() if ln.strip()}


def test_tflite_against_litert():
    done = siglite("bench", FIXTURES / "seed_keras_sequential.tflite", "--runs", "5",
                   "--warmup", "1")  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = _rows(done.stdout)
    assert rows["siglite"][1] == "(numpy)" and rows["siglite"][-1] == "5"
    assert rows["litert"][-2] == "5" and float(rows["litert"][-1]) > 0
    # stderr is a pipe here, so no progress line was drawn
    assert "\r" not in done.stderr and "bench siglite" not in done.stderr


def test_litert_failure_is_a_note_not_an_error():
    # LiteRT's Python package has no Flex ops; siglite still runs and times the model.
    done = siglite("bench", FIXTURES / "seed_saved_model_coding.tflite", "--signature", "encode",
                   "--runs", "3", "--warmup", "1")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "siglite" in _rows(done.stdout)
    assert "litert: cannot run this model:" in done.stdout


def test_bench_errors_and_usage(tmp_path):
    assert_clean_failure(siglite("bench", tmp_path / "none.tflite"), "none.tflite")
    model = FIXTURES / "seed_saved_model_coding.tflite"
    assert_clean_failure(siglite("bench", model, "--signature", "nope"), "nope")
    assert siglite("bench", model, "--runs", "0").returncode == 2


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_on_a_tty_and_clears_itself():
    stream = _Tty()
    with Progress("work", total=3, stream=stream) as progress:
        for _ in range(3):
            progress.step()
    text = stream.getvalue()
    assert "work 0/3" in text and "work 3/3" in text and text.endswith("\r\033[K")


def test_progress_is_silent_without_a_tty():
    stream = io.StringIO()
    with Progress("work", total=3, stream=stream) as progress:
        progress.step(3)
    assert stream.getvalue() == ""
