"""Every plugin hook is documented with its exact signature and exercised by a real plugin.

The plugin below is installed as a distribution on a temporary path entry (a module plus
dist-info with a ``siglite`` entry point) and used from a fresh interpreter process.
"""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from siglite.plugins import hookspecs

ROOT = Path(__file__).resolve().parents[2]

PLUGIN = """
import numpy as np
import siglite as sl
from siglite.plugins import hookimpl

TABLE = sl.KernelTable("adder")


@TABLE.register("ADD")
def add(x, y, *, fused_activation="NONE"):
    return np.add(x, y)


class Adder(sl.Delegate):
    name = "adder"

    def __init__(self, **options):
        super().__init__(TABLE, **options)


def doubling_model(spec, key="double"):
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [-1, spec["width"]])
    s = g.op("ADD", x, x, fused_activation="NONE")
    g.output(g.op("MUL", s, s, fused_activation="NONE"), "y")
    mb.signature(key, g)
    return mb.build()


def halve(x):
    return (np.asarray(x) // 2).astype(np.int32)


HALVE = sl.OpSchema("Halve", opset="CUSTOM", infer=lambda ins, attrs: [(ins[0].dtype,
                    ins[0].signature_shape)], doc="integer halving")


@hookimpl
def register_frontends(register):
    register("doubling", doubling_model, "a dict {'width': n} to a doubling model")


@hookimpl
def register_delegates(register):
    register("adder", Adder, "runs ADD only")


@hookimpl
def register_ops(register):
    register(HALVE, kernels={"numpy": halve})
"""


def _hooks() -> list[str]:
    return sorted(n for n, f in vars(hookspecs).items() if hasattr(f, "siglite_spec"))


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hook_plugin")
    (root / "sl_hook_plugin.py").write_text(PLUGIN)
    info = root / "sl_hook_plugin-0.0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: sl-hook-plugin\nVersion: 0.0.1\n")
    (info / "entry_points.txt").write_text("[siglite]\nhook_plugin = sl_hook_plugin\n")
    return root


def _run(code: str, plugin_path: Path) -> str:
    env = {
        **os.environ,
        "PYTHONPATH": f"{plugin_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }
    env.pop("SIGLITE_LOAD_PLUGINS", None)
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, env=env, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_register_frontends_plugin_converts_for_litert(plugin_path):
    out = _run(
        """
        import numpy as np, siglite as sl
        from ai_edge_litert.interpreter import Interpreter
        data = sl.Converter.from_frontend("doubling", {"width": 3}).convert()
        oracle = Interpreter(model_content=data).get_signature_runner("double")
        x = np.array([[1, -2, 0.5]], np.float32)
        ours = sl.Interpreter(model_content=data).get_signature_runner("double")
        assert np.array_equal(ours(x=x)["y"], oracle(x=x)["y"])
        print("ok")
        """,
        plugin_path,
    )
    assert out.strip() == "ok"


def test_register_delegates_plugin_takes_its_nodes(plugin_path):
    out = _run(
        """
        import numpy as np, siglite as sl
        from ai_edge_litert.interpreter import Interpreter
        data = sl.Converter.from_frontend("doubling", {"width": 2}).convert()
        it = sl.Interpreter(model_content=data, delegates=["adder"])
        x = np.array([[3, -1]], np.float32)
        got = it.get_signature_runner("double")(x=x)["y"]
        want = Interpreter(model_content=data).get_signature_runner("double")(x=x)["y"]
        assert np.array_equal(got, want)
        print([d for _, _, d in it.get_placement("double").nodes])
        """,
        plugin_path,
    )
    assert out.strip() == "['adder', 'numpy']"


def test_register_ops_plugin_op_converts_and_runs(plugin_path):
    out = _run(
        """
        import numpy as np, siglite as sl
        import sl_hook_plugin
        mb = sl.ModelBuilder()
        g = mb.subgraph("main")
        x = g.input("x", sl.int32, [-1])
        g.output(g.op("Halve", x, outputs=[(sl.int32, (-1,))]), "y")
        mb.signature("halve", g)
        converter = sl.Converter.from_model(mb.build())
        converter.allow_custom_ops = True
        runner = sl.Interpreter(model_content=converter.convert()).get_signature_runner()
        x = np.array([7, -3, 10], np.int32)
        assert np.array_equal(runner(x=x)["y"], sl_hook_plugin.halve(x))
        print(sl.get_op("Halve").source)
        """,
        plugin_path,
    )
    assert out.strip() == "hook_plugin"


HOOK_TESTS = {
    "register_frontends": test_register_frontends_plugin_converts_for_litert,
    "register_delegates": test_register_delegates_plugin_takes_its_nodes,
    "register_ops": test_register_ops_plugin_op_converts_and_runs,
}


def test_every_hook_has_a_test():
    assert sorted(HOOK_TESTS) == _hooks()


@pytest.mark.parametrize("hook", _hooks())
def test_every_hook_is_documented_with_its_exact_signature(hook):
    page = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    source = inspect.getsource(getattr(hookspecs, hook))
    definition = re.search(r"^def .*?\)(?: -> [^:]+)?(?=:\s*$)", source, re.M | re.S).group(0)
    assert definition in page, f"docs/plugins.md lacks `{definition}`"
    doc = inspect.getdoc(getattr(hookspecs, hook))
    callback = re.search(r"``(register\(.*?\))``", doc).group(1)
    assert callback in page, f"docs/plugins.md lacks the callback `{callback}`"
