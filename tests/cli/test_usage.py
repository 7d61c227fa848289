"""Usage errors exit 2; every command has a --help that says what it does."""

from __future__ import annotations

import pytest
from cli_support import siglite

from siglite.cli import build_parser

COMMANDS = {
    "convert": "saved-model directory",
    "inspect": "op histogram",
    "run": "JSON literal",
    "bench": "median",
    "plugins": "entry-point group",
    "demo": "round trip",
}


def test_every_command_is_covered_here():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert set(sub.choices) == set(COMMANDS)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_help_describes_the_command(command):
    done = siglite(command, "--help")
    assert done.returncode == 0, done.stderr
    assert COMMANDS[command] in " ".join(done.stdout.split())


@pytest.mark.parametrize(
    "args",
    [(), ("frobnicate",), ("convert", "x.onnx"), ("run",), ("bench", "m.tflite", "--runs", "x")],
)
def test_usage_errors_exit_2(args):
    done = siglite(*args)
    assert done.returncode == 2
    assert "usage: siglite" in done.stderr and "Traceback" not in done.stderr
