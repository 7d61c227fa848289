"""Plain-text output helpers: aligned tables, tensor types, sizes and a stderr progress line."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Sequence
from typing import Any, TextIO


def table(header: Sequence[str], rows: Iterable[Sequence[Any]], indent: str = "") -> str:
    """Rows under a header, each column left-aligned to its widest cell."""
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = []
    for r in cells:
        lines.append(indent + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines)


def shape_str(shape: Sequence[int] | None) -> str:
    """``[-1, 4]``-style shape; ``-1`` is a dimension only known at run time."""
    if shape is None:
        return "[?]"
    return "[" + ", ".join(str(int(d)) for d in shape) + "]"


def size_str(n: int) -> str:
    """A byte count for people: ``812 B``, ``12.3 KiB``, ``4.0 MiB``."""
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{int(value)} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


def ms_str(seconds: float) -> str:
    """A latency in milliseconds with three significant decimals."""
    return f"{seconds * 1e3:.3f} ms"


class Progress:
    """A one-line progress indicator on stderr that does nothing when stderr is not a TTY.

    ``with Progress("bench siglite", total=100) as p: p.step()``; without ``total`` it shows the
    label and the elapsed time, which is enough for one long call such as a conversion.
    """

    def __init__(self, label: str, total: int | None = None, stream: TextIO | None = None):
        self.label = label
        self.total = total
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self._start = time.perf_counter()
        self._last = 0.0

    def __enter__(self) -> Progress:
        self._draw(force=True)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()

    def step(self, n: int = 1) -> None:
        """Count ``n`` more units of work and redraw (at most ten times a second)."""
        self.done += n
        self._draw()

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if not force and now - self._last < 0.1 and self.done != self.total:
            return
        self._last = now
        elapsed = now - self._start
        count = f" {self.done}/{self.total}" if self.total else ""
        self.stream.write(f"\r\033[K{self.label}{count} ({elapsed:.1f} s)")
        self.stream.flush()
