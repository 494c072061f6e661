"""Seconds per submission of the hw1.p4 grading evaluation (a saved EuroSAT model on the test split).

What is measured: the wall time of :func:`hwlib.train.evaluate_weights`
(load the state dict, build the network, evaluate all 5,400 test images) for
the reference submission ``assignments/samples/hw1/reference/eurosat_model.pt``,
after the test split is in memory (the one-time read of the decoded cache is
timed apart, and the JPEG decode is excluded when the cache exists). Three
paths, interleaved, best and median of ``--repeats`` runs each:

* before: the evaluation as it was before issue 14 (fp32, NCHW, batch 1024,
  ``torch.no_grad``, batch norm unfused);
* fp32: today's path forced to fp32 (BN folded, channels-last, batch 256,
  ``inference_mode``);
* default: today's path at the precision hwlib picks (bf16 autocast where the
  CPU has native bf16).

The accuracies are printed beside the times: bf16 must agree with fp32 to
0.1 point.

Usage::

    python benchmarks/bench_grade_model.py [--data DIR] [--threads 2] [--repeats 3]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hwlib import train as ht  # noqa: E402

REFERENCE = ROOT / "assignments" / "samples" / "hw1" / "reference" / "eurosat_model.pt"


def before(path, x, y) -> float:
    """The pre-issue-14 evaluation: fp32, NCHW, batch 1024, no_grad, BN unfused."""
    model, _ = ht.load_weights(path, "eurosat")
    with torch.no_grad():
        correct = 0
        for start in range(0, len(x), 1024):
            xb = x[start:start + 1024].float().mul_(1 / 255)
            correct += (model(xb).argmax(1) == y[start:start + 1024]).sum().item()
    return correct / len(x)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", default=None, help="data root (default $HWLIB_DATA)")
    p.add_argument("--cache", default=None, help="cache dir (default $HWLIB_CACHE or ~/.cache/hwlib)")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    p.add_argument("--repeats", type=int, default=3, help="timed runs per path (default 3)")
    p.add_argument("--weights", default=str(REFERENCE), help="state dict to evaluate")
    args = p.parse_args(argv)

    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)
    print(f"torch {torch.__version__}, {args.threads} threads, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    print(ht.choose_precision("cpu").describe())
    t0 = time.perf_counter()
    x, y = ht.test_split("eurosat", args.data, args.cache)
    print(f"one-time: test split into memory {time.perf_counter() - t0:.1f}s ({len(y):,} images)\n")

    paths = {
        "before (fp32 NCHW, batch 1024, unfused)": lambda: before(args.weights, x, y),
        "fp32 (forced)": lambda: ht.evaluate_weights(args.weights, data_root=args.data, cache=args.cache,
                                                     device="cpu", precision="fp32")["accuracy"],
        "default": lambda: ht.evaluate_weights(args.weights, data_root=args.data, cache=args.cache,
                                               device="cpu")["accuracy"],
    }
    for fn in paths.values():  # warm-up: allocator, oneDNN primitives
        fn()
    times = {name: [] for name in paths}
    cpu = {name: [] for name in paths}
    acc = {}
    for r in range(args.repeats):
        for name, fn in paths.items():
            t0, c0 = time.perf_counter(), time.process_time()
            acc[name] = fn()
            times[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
            print(f"run {r + 1}/{args.repeats}: {name}: {times[name][-1]:.2f}s wall, "
                  f"{cpu[name][-1]:.2f}s CPU (load average {os.getloadavg()[0]:.2f})", flush=True)
    print()
    for name in paths:
        print(f"{name:<42} wall best {min(times[name]):6.2f}s  median "
              f"{statistics.median(times[name]):6.2f}s  CPU best {min(cpu[name]):6.2f}s  "
              f"accuracy {100 * acc[name]:.2f}%")
    names = list(paths)
    b, f, d = (min(times[n]) for n in names)
    cb, cf, cd = (min(cpu[n]) for n in names)
    print(f"\nseconds per submission, best run: default {d:.2f}s vs fp32 {f:.2f}s vs before {b:.2f}s "
          f"wall ({b / d:.1f}x faster than before); CPU time (all threads) default {cd:.2f}s vs "
          f"fp32 {cf:.2f}s vs before {cb:.2f}s; accuracy default {100 * acc[names[2]]:.2f}% vs "
          f"fp32 {100 * acc[names[1]]:.2f}% (difference "
          f"{100 * (acc[names[2]] - acc[names[1]]):+.2f} points)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
