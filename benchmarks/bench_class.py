"""Benchmark: a whole class (200 students x 4 homeworks) graded locally and on Dask.

Not a test. Run from the repository root (hw1.p4 needs the EuroSAT data root):

    HWLIB_DATA=/path/to/data .venv/bin/python benchmarks/bench_class.py \
        [--students 200] [--workers 2] [--plain 4] [--modes local,dask,plain]

The class: for each homework, ``--students`` folders cycling through that
homework's bundled samples (they are the per-student variants: the reference,
the untouched release and the typical mistakes; hw1's reference includes the
trained model file, so a third of hw1's submissions carry one), identical for
every grader. In one run, on this machine:

- local: ``python -m hwlib grade hwN --jobs W`` per homework (the local pool);
- dask: a local Dask cluster of separate processes (``dask scheduler`` and W
  ``dask worker --no-nanny --nthreads 1`` processes, each in its own directory),
  then ``python -m hwlib grade hwN --cluster ADDRESS`` per homework;
- plain: ``nbgrader autograde hwN --force`` on the first ``--plain`` students
  of each homework (a subset: serial, in-kernel, no sandbox, no feedback),
  extrapolated as submissions per minute.

The three graders take turns per homework (hw1 local, hw1 dask, hw1 plain,
hw2 local, ...), so a change in the machine's load hits all of them, and each
line is printed as soon as it is measured, with the load average.

Each grader gets a fresh temporary copy of the course with the releases
generated beforehand (not timed); grading includes the gradebook, the
feedback pages and grades.csv. Also measured: hw1.p4's model evaluation
alone (``hwlib.train.grade_trained_model`` on the reference model), per
submission. Printed: seconds and submissions per minute per homework and in
total, the ratio to plain nbgrader, and the machine's load average.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HOMEWORKS = ("hw1", "hw2", "hw3", "hw4")
sys.path.insert(0, str(REPO))


def env() -> dict:
    """The venv's tools on PATH, this checkout's hwlib importable (plain nbgrader's
    hidden tests need it; so do the Dask workers)."""
    out = dict(os.environ)
    out["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{out.get('PATH', '')}"
    out["PYTHONPATH"] = str(REPO) + (os.pathsep + out["PYTHONPATH"]
                                     if out.get("PYTHONPATH") else "")
    return out


def make_course(root: Path, homeworks) -> Path:
    """A temporary course (sources, manifest, config) with every release generated."""
    course = root / "course"
    (course / "source").mkdir(parents=True)
    for hw in homeworks:
        shutil.copytree(REPO / "assignments" / "source" / hw, course / "source" / hw)
    for name in ("manifest.json", "nbgrader_config.py"):
        shutil.copy(REPO / "assignments" / name, course / name)
    for hw in homeworks:
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", hw, "--force"],
                       cwd=course, env=env(), check=True, capture_output=True)
    return course


def make_class(root: Path, homeworks, students: int) -> dict[str, Path]:
    """``root/<hw>/<student>/``: students cycling through each homework's samples
    (files hard-linked: the model file is 8 MB)."""
    folders = {}
    for hw in homeworks:
        samples = sorted(p for p in (REPO / "assignments" / "samples" / hw).iterdir()
                         if (p / f"{hw}.ipynb").is_file())
        for i in range(students):
            sample = samples[i % len(samples)]
            dest = root / hw / f"st{i:04d}_{sample.name}"
            shutil.copytree(sample, dest, copy_function=os.link)
        folders[hw] = root / hw
    return folders


def grade(course: Path, hw: str, subs: Path, extra: list[str]) -> float:
    """Seconds for ``python -m hwlib grade hw`` (output kept on failure)."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "hwlib", "grade", hw, "--course", str(course),
                           "--submissions", str(subs), "--no-progress", *extra],
                          cwd=REPO, env=env(), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{hw}: hwlib grade {' '.join(extra)} failed:\n{proc.stdout}\n{proc.stderr}")
    return seconds


def time_plain(course: Path, hw: str, class_dir: Path, n: int) -> float:
    """Seconds of plain nbgrader autograde of the first n students of one homework."""
    for student in sorted(class_dir.iterdir())[:n]:
        shutil.copytree(student, course / "submitted" / student.name / hw)
    start = time.perf_counter()
    # the course config refuses plain autograde (unsandboxed); the benchmark opts in
    subprocess.run([sys.executable, "-m", "nbgrader", "autograde", hw, "--force",
                    "--Autograde.exporter_class=nbconvert.exporters.NotebookExporter"],
                   cwd=course, env=env(), check=True, capture_output=True)
    return time.perf_counter() - start


def time_model_eval(repeats: int = 3) -> tuple[float, float, str]:
    """(first call, median of the next calls) seconds of hw1.p4's evaluation of
    the reference model, and its message."""
    from hwlib.train import grade_trained_model

    path = REPO / "assignments" / "samples" / "hw1" / "reference" / "eurosat_model.pt"
    times, message = [], ""
    for _ in range(repeats + 1):
        start = time.perf_counter()
        _, message = grade_trained_model(path)
        times.append(time.perf_counter() - start)
    return times[0], statistics.median(times[1:]), message


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def line(label: str, seconds: float, n: int) -> str:
    return (f"{label:<34}: {seconds:8.1f} s  {60 * n / seconds:7.1f} submissions/min"
            f"  ({seconds / n:.2f} s each)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=200, help="students (default 200)")
    parser.add_argument("--homeworks", default=",".join(HOMEWORKS),
                        help="comma-separated (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=os.cpu_count(),
                        help="local pool jobs and Dask worker processes (default: all cores)")
    parser.add_argument("--plain", type=int, default=4,
                        help="students per homework graded by plain nbgrader (default 4)")
    parser.add_argument("--modes", default="local,dask,plain",
                        help="which graders to run (default: %(default)s)")
    args = parser.parse_args()
    homeworks = [h for h in args.homeworks.split(",") if h]
    modes = [m for m in ("local", "dask", "plain") if m in args.modes.split(",")]
    if not os.environ.get("HWLIB_DATA"):
        print("note: HWLIB_DATA is not set: hw1.p4 is not evaluated (scores 0 with the reason)")
    n, per_plain = args.students, max(1, min(args.plain, args.students))
    total = n * len(homeworks)
    labels = {"local": f"local pool (--jobs {args.workers})",
              "dask": f"dask ({args.workers} workers x 1 thread)",
              "plain": "plain nbgrader autograde"}
    counts = {"local": n, "dask": n, "plain": per_plain}
    print(f"machine: {os.cpu_count()} cores; load average at start {load()}", flush=True)
    if "hw1" in homeworks and os.environ.get("HWLIB_DATA"):
        first, each, message = time_model_eval()
        print(f"hw1.p4 model evaluation alone (reference model, this process): {each:.2f} s per "
              f"submission (first call, with data loading: {first:.2f} s); {message}", flush=True)
    times: dict[str, dict[str, float]] = {m: {} for m in modes}
    with tempfile.TemporaryDirectory(prefix="bench-class-") as tmp:
        root = Path(tmp)
        class_dirs = make_class(root / "class", homeworks, n)
        models = sum(1 for _ in (root / "class").glob("hw1/*/eurosat_model.pt"))
        print(f"class: {n} students x {len(homeworks)} homeworks = {total} submissions"
              + (f" ({models} of hw1's with a model file)" if "hw1" in homeworks else "")
              + "; graders interleaved per homework, releases made beforehand", flush=True)
        courses = {m: make_course(root / m, homeworks) for m in modes}
        cluster = None
        try:
            if "dask" in modes:
                from hwlib.grading.cluster import LocalProcessCluster

                start = time.perf_counter()
                cluster = LocalProcessCluster(root / "dask-cluster", args.workers, env()).start()
                print(f"(dask cluster start-up, not counted: {time.perf_counter() - start:.1f} s)",
                      flush=True)
            for hw in homeworks:
                for mode in modes:
                    if mode == "local":
                        seconds = grade(courses[mode], hw, class_dirs[hw],
                                        ["--jobs", str(args.workers)])
                    elif mode == "dask":
                        seconds = grade(courses[mode], hw, class_dirs[hw],
                                        ["--cluster", cluster.address])
                    else:
                        seconds = time_plain(courses[mode], hw, class_dirs[hw], per_plain)
                    times[mode][hw] = seconds
                    print(line(f"{labels[mode]} {hw}", seconds, counts[mode])
                          + (f"  [subset: first {per_plain}]" if mode == "plain" else "")
                          + f"  load {load()}", flush=True)
        finally:
            if cluster is not None:
                cluster.close()
    print()
    each = {m: sum(t.values()) / (counts[m] * len(t)) for m, t in times.items() if t}
    for mode in ("local", "dask"):
        if mode in each:
            seconds = sum(times[mode].values())
            print(line(f"{labels[mode]} ALL", seconds, total)
                  + f"  -> {seconds / 60:.1f} min, {'under' if seconds < 900 else 'OVER'} 15 min")
    if "plain" in each:
        print(line(f"{labels['plain']} ALL", sum(times["plain"].values()),
                   per_plain * len(homeworks))
              + f"  [subset; {total} would take ~{each['plain'] * total / 60:.0f} min]")
        for mode in ("local", "dask"):
            if mode in each:
                print(f"throughput ratio {labels[mode]} / plain nbgrader: "
                      f"{each['plain'] / each[mode]:.2f}x")
    print(f"load average at end {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
