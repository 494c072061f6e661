"""Benchmark: plain ``nbgrader autograde`` vs ``python -m hwlib grade`` on hw2.

Not a test. Run from the repository root:

    .venv/bin/python benchmarks/bench_grading.py [--n 40] [--jobs N]

Both graders get the same N submissions of hw2 (the bundled samples,
repeated), each in a fresh temporary copy of the course, on this machine:

- plain: ``nbgrader autograde hw2 --force`` (one kernel per notebook, hidden
  tests run in-kernel, no sandbox, serial), release generated beforehand and
  not timed; feedback not generated (less work than ours);
- ours: ``python -m hwlib grade hw2 --jobs N`` (bubblewrap sandboxes in
  parallel, checkers outside, gradebook, feedback, grades.csv), release
  generated beforehand and not timed.

It prints both throughputs (submissions per minute), their ratio, and the
per-submission floor of the plain path: one kernel start plus one run of the
notebook with its hidden tests (measured with nbclient), i.e. what a serial
kernel-per-notebook grader cannot go below.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "hw2"


def make_course(root: Path) -> Path:
    """A temporary course with hw2's source, the manifest and the config."""
    course = root / "course"
    (course / "source").mkdir(parents=True)
    shutil.copytree(REPO / "assignments" / "source" / ASSIGNMENT,
                    course / "source" / ASSIGNMENT)
    for name in ("manifest.json", "nbgrader_config.py"):
        shutil.copy(REPO / "assignments" / name, course / name)
    return course


def make_submissions(root: Path, n: int) -> Path:
    """n student folders cycling through the bundled hw2 samples."""
    samples = sorted(p for p in (REPO / "assignments" / "samples" / ASSIGNMENT).iterdir()
                     if (p / f"{ASSIGNMENT}.ipynb").is_file())
    subs = root / "subs"
    for i in range(n):
        sample = samples[i % len(samples)]
        dest = subs / f"s{i:03d}_{sample.name}"
        shutil.copytree(sample, dest)
    return subs


def env() -> dict:
    """The venv's tools on PATH, hwlib importable (plain nbgrader's hidden tests need it)."""
    out = dict(os.environ)
    out["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{out.get('PATH', '')}"
    out["PYTHONPATH"] = str(REPO) + (os.pathsep + out["PYTHONPATH"]
                                     if out.get("PYTHONPATH") else "")
    return out


def release(course: Path) -> None:
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT,
                    "--force"], cwd=course, env=env(), check=True, capture_output=True)


def time_plain(root: Path, subs: Path) -> float:
    """Seconds for plain nbgrader autograde of every submission."""
    course = make_course(root / "plain")
    release(course)
    for student in subs.iterdir():
        shutil.copytree(student, course / "submitted" / student.name / ASSIGNMENT)
    start = time.perf_counter()
    # the course config refuses plain autograde (unsandboxed); the benchmark opts in
    subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--force",
                    "--Autograde.exporter_class=nbconvert.exporters.NotebookExporter"],
                   cwd=course, env=env(), check=True, capture_output=True)
    return time.perf_counter() - start


def time_ours(root: Path, subs: Path, jobs: int) -> float:
    """Seconds for python -m hwlib grade (sandboxed, parallel, with feedback)."""
    course = make_course(root / "ours")
    release(course)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "hwlib", "grade", ASSIGNMENT, "--course", str(course),
                    "--submissions", str(subs), "--jobs", str(jobs), "--no-progress"],
                   cwd=REPO, env=env(), check=True, capture_output=True)
    return time.perf_counter() - start


def floor_seconds() -> tuple[float, float]:
    """(kernel start, run of the solution notebook with hidden tests) in seconds."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(REPO / "assignments" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    client = NotebookClient(nb, kernel_name="python3", timeout=600, allow_errors=True)
    old = os.environ.copy()
    os.environ.update(env())
    try:
        start = time.perf_counter()
        with client.setup_kernel():
            started = time.perf_counter()
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            done = time.perf_counter()
    finally:
        os.environ.clear()
        os.environ.update(old)
    return started - start, done - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=40, help="submissions (default 40)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(),
                        help="parallel sandboxes for ours (default: all cores)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        root = Path(tmp)
        subs = make_submissions(root, args.n)
        kernel, run = floor_seconds()
        plain = time_plain(root, subs)
        ours = time_ours(root, subs, args.jobs)
    per_min = lambda seconds: 60 * args.n / seconds  # noqa: E731
    print(f"machine: {os.cpu_count()} cores; {args.n} submissions of {ASSIGNMENT}")
    print(f"plain nbgrader autograde : {plain:7.1f} s  {per_min(plain):6.1f} submissions/min"
          f"  ({plain / args.n:.2f} s each)")
    print(f"hwlib grade (sandboxed)  : {ours:7.1f} s  {per_min(ours):6.1f} submissions/min"
          f"  ({ours / args.n:.2f} s each, --jobs {args.jobs}, feedback included)")
    print(f"throughput ratio ours/plain: {plain / ours:.2f}x")
    print(f"per-submission floor of a kernel-per-notebook grader: {kernel + run:.2f} s "
          f"(kernel start {kernel:.2f} s + notebook with hidden tests {run:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
