"""Runners of one interpreter called from many threads give the serial results."""

from __future__ import annotations

import threading

import numpy as np
from runtime_models import two_signature_model

import siglite as sl

THREADS, CALLS = 8, 500


def _hammer(jobs) -> list[list[np.ndarray]]:
    """Run each thread's list of (runner, inputs, output name) calls concurrently."""
    results: list[list[np.ndarray]] = [[] for _ in jobs]
    errors: list[BaseException] = []
    start = threading.Barrier(len(jobs))

    def work(t: int) -> None:
        try:
            start.wait()
            for run, inputs, name in jobs[t]:
                results[t].append(run(**inputs)[name])
        except BaseException as exc:  # reported below, a thread must not die silently
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(len(jobs))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors
    return results


def test_two_runners_of_one_signature_with_different_batches(fixtures_dir):
    interp = sl.Interpreter(model_path=str(fixtures_dir / "seed_keras_sequential.tflite"))
    small, big = interp.get_signature_runner(), interp.get_signature_runner("serving_default")
    rng = np.random.default_rng(0)
    x1 = rng.normal(size=(1, 4)).astype(np.float32)
    x3 = rng.normal(size=(3, 4)).astype(np.float32)
    serial = {1: small(x_input=x1)["output_0"], 3: big(x_input=x3)["output_0"]}
    jobs = [
        [(small, {"x_input": x1}, "output_0") if (t + i) % 2 else (big, {"x_input": x3}, "output_0")
         for i in range(CALLS)]
        for t in range(THREADS)
    ]  # fmt: skip
    for t, outs in enumerate(_hammer(jobs)):
        for i, out in enumerate(outs):
            np.testing.assert_array_equal(out, serial[1 if (t + i) % 2 else 3])


def test_two_signatures_from_many_threads():
    interp = sl.Interpreter(model=two_signature_model())
    double, square = interp.get_signature_runner("double"), interp.get_signature_runner("square")
    xs = [np.full((1 + k % 3, 4), k, np.float32) for k in range(THREADS)]
    serial_d = [double(x=x)["y"] for x in xs]
    serial_s = [square(x=x)["y"] for x in xs]
    jobs = [
        [(double, {"x": xs[t]}, "y") if i % 2 else (square, {"x": xs[t]}, "y")
         for i in range(CALLS // 2)]
        for t in range(THREADS)
    ]  # fmt: skip
    for t, outs in enumerate(_hammer(jobs)):
        for i, out in enumerate(outs):
            np.testing.assert_array_equal(out, serial_d[t] if i % 2 else serial_s[t])


def test_shared_counter_increments_from_many_threads_are_not_lost():
    """Every increment is one atomic read-add-assign: the serial total, whatever the order."""
    from runtime_models import counter_model

    interp = sl.Interpreter(model_content=sl.write_model(counter_model()))
    inc, read = interp.get_signature_runner("increment"), interp.get_signature_runner("read")
    calls = 100
    jobs = [
        [(inc, {"step": np.int32(1)}, "value") if i % 4 else (read, {}, "value")
         for i in range(calls)]
        for _ in range(THREADS)
    ]  # fmt: skip
    results = _hammer(jobs)
    increments = THREADS * sum(1 for i in range(calls) if i % 4)
    assert int(read()["value"]) == 10 + increments  # 10: the CALL_ONCE initial value
    seen = sorted(int(v) for outs in results for v in outs)
    assert seen[-1] == 10 + increments and seen[0] >= 10
    # each increment saw a distinct total
    inc_values = [int(v) for t, outs in enumerate(results) for i, v in enumerate(outs) if i % 4]
    assert len(set(inc_values)) == increments
