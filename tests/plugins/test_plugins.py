"""Plugins: discovery through entry points, isolation of broken plugins, the allow-list."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import siglite as sl
from siglite.plugins import hookspecs, registry


def _siglite(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "siglite", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def _fake_distribution(root: Path, name: str, module_source: str) -> None:
    """A plugin distribution on a path entry: a module plus dist-info with an entry point."""
    (root / f"{name}.py").write_text(textwrap.dedent(module_source))
    info = root / f"{name}-0.0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.0.1\n")
    (info / "entry_points.txt").write_text(f"[siglite]\n{name} = {name}\n")


def test_example_plugin_listed_with_its_distribution():
    out = _siglite("plugins")
    assert out.returncode == 0, out.stderr
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("RotateLeft"))
    assert line.split()[1:4] == ["op", "0.1.0", "siglite-example-ops"]
    assert any(ln.startswith("numpy") and "delegate" in ln for ln in out.stdout.splitlines())


def test_example_op_is_registered_with_shape_rule_and_kernel():
    reg = registry()
    schema = sl.get_op("RotateLeft")
    assert schema.opset == "CUSTOM" and schema.source == "example_ops"
    kernel = reg.kernel("numpy", "RotateLeft")
    x = np.array([1, -2147483648, 0x12345678], np.int32)
    got = kernel.fn(x, np.array(4, np.int32))
    # oracle: Python's arbitrary-precision integers
    want = [((int(v) & 0xFFFFFFFF) << 4 | (int(v) & 0xFFFFFFFF) >> 28) & 0xFFFFFFFF for v in x]
    assert got.view(np.uint32).tolist() == want


def test_broken_plugin_is_skipped_with_a_warning_naming_it(tmp_path):
    _fake_distribution(tmp_path, "broken_sl_plugin", "raise RuntimeError('boom at import')\n")
    env = {"PYTHONPATH": str(tmp_path) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = _siglite("plugins", env=env)
    assert out.returncode == 0, out.stderr
    assert "broken_sl_plugin" in out.stderr and "boom at import" in out.stderr
    assert "RotateLeft" in out.stdout and "numpy" in out.stdout


def test_plugin_with_a_failing_hook_registers_nothing(tmp_path):
    source = """
        from siglite.plugins import hookimpl

        @hookimpl
        def register_delegates(register):
            register("half_done", object)
            raise ValueError("hook failed")
    """
    _fake_distribution(tmp_path, "halfway_sl_plugin", source)
    env = {"PYTHONPATH": str(tmp_path) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = _siglite("plugins", env=env)
    assert "halfway_sl_plugin" in out.stderr and "half_done" not in out.stdout


def test_empty_allow_list_loads_builtins_only():
    out = _siglite("plugins", env={"SIGLITE_LOAD_PLUGINS": ""})
    assert out.returncode == 0
    assert "RotateLeft" not in out.stdout and "numpy" in out.stdout


def test_allow_list_names_the_plugins_to_load():
    out = _siglite("plugins", env={"SIGLITE_LOAD_PLUGINS": "example_ops"})
    assert "RotateLeft" in out.stdout


def test_loading_is_idempotent():
    assert sl.load_plugins() is sl.load_plugins()


@pytest.mark.parametrize("hook", ["register_frontends", "register_delegates", "register_ops"])
def test_every_hook_takes_a_register_callback(hook):
    import inspect

    assert list(inspect.signature(getattr(hookspecs, hook)).parameters) == ["register"]


def test_op_of_a_plugin_whose_hook_fails_is_not_registered(tmp_path):
    source = """
        import siglite as sl
        from siglite.plugins import hookimpl

        @hookimpl
        def register_ops(register):
            register(sl.OpSchema("HalfDoneOp", opset="CUSTOM"), kernels={"numpy": abs})
            raise ValueError("hook failed after registering an op")
    """
    _fake_distribution(tmp_path, "halfop_sl_plugin", source)
    check = (
        "import siglite as sl\n"
        "print('known' if sl.ops.find_op('HalfDoneOp') else 'unknown')\n"
        "print('RotateLeft' if sl.ops.find_op('RotateLeft') else 'no RotateLeft')\n"
    )
    env = {"PYTHONPATH": str(tmp_path) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run(
        [sys.executable, "-c", check],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "halfop_sl_plugin" in out.stderr and "hook failed" in out.stderr
    assert out.stdout.split() == ["unknown", "RotateLeft"]
