"""Grading on a Dask cluster (``python -m hwlib grade ... --cluster ADDRESS``).

The cluster is real: a ``dask scheduler`` and ``dask worker`` processes
started as subprocesses on 127.0.0.1, each worker its own process with one
thread and its own working and local directory
(:class:`hwlib.grading.cluster.LocalProcessCluster`). The oracle of the
gradebook test is local grading of the same submissions with the same seed;
the oracle of the killed-worker test is assignments/samples/expected.json
(scores derived by hand).
"""
from __future__ import annotations

import collections
import csv
import json
import os
import shutil
import signal
from pathlib import Path

import pytest

from hwlib.course import use_sample_settings
from nbgrader.api import Gradebook

pytest.importorskip("distributed")

from hwlib.cli import main as hwlib_main  # noqa: E402
from hwlib.grading import cli, cluster, engine, sandbox, scoring  # noqa: E402
from hwlib.grading.gradebook import Recorder  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENTS = REPO / "assignments"
EXPECTED = json.loads((ASSIGNMENTS / "samples" / "expected.json").read_text())["samples"]
GENERATED = ("release", "submitted", "autograded", "feedback", ".grading", "gradebook.db",
             "grades.csv", "__pycache__", ".course-secret")
SEED = 20261130
GRADED = ("hw2", "hw3")
POINTS_ATOL = 1e-4


def _env() -> dict:
    """Worker environment: this checkout's hwlib first on the path."""
    path = os.environ.get("PYTHONPATH")
    return dict(os.environ, PYTHONPATH=str(REPO) + (os.pathsep + path if path else ""))


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """A clean copy of the course with hw2's and hw3's releases generated."""
    course = tmp_path_factory.mktemp("released") / "course"
    shutil.copytree(ASSIGNMENTS, course, ignore=shutil.ignore_patterns(*GENERATED))
    use_sample_settings(course)   # the samples answer the default numbers
    recorder = Recorder(course)
    try:
        for name in GRADED:
            recorder.generate_release(name)
    finally:
        recorder.close()
    return course


def _copy(course: Path, dest: Path) -> Path:
    shutil.copytree(course, dest, symlinks=True)  # copy2: the release stays newer than source
    return dest


@pytest.fixture(scope="module")
def dask2(tmp_path_factory):
    """A scheduler and two worker processes, torn down after the module."""
    with cluster.LocalProcessCluster(tmp_path_factory.mktemp("dask2"), 2, _env()) as running:
        yield running


class Spy:
    """Counts gradebook writes per (assignment, student) in this process, and
    keeps the last DaskExecutor (its stats) of a run through the CLI."""

    def __init__(self, monkeypatch, on_first_record=None):
        self.records = collections.Counter()
        self.executors = []
        record, call = Recorder.record, cluster.DaskExecutor.__call__
        spy = self

        def counted_record(self, assignment, student, *args, **kwargs):
            spy.records[(assignment, student)] += 1
            if on_first_record is not None and sum(spy.records.values()) == 1:
                on_first_record()
            return record(self, assignment, student, *args, **kwargs)

        def kept_call(self, *args, **kwargs):
            spy.executors.append(self)
            return call(self, *args, **kwargs)

        monkeypatch.setattr(Recorder, "record", counted_record)
        monkeypatch.setattr(cluster.DaskExecutor, "__call__", kept_call)


def _gradebook(course: Path, assignment: str) -> dict:
    """Every grade and comment of the assignment in the course's gradebook."""
    found = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sub in gb.assignment_submissions(assignment):
            for nb in sub.notebooks:
                for g in nb.grades:
                    found[(sub.student.id, nb.name, "grade", g.name)] = (
                        g.auto_score, g.manual_score, g.max_score)
                for c in nb.comments:
                    found[(sub.student.id, nb.name, "comment", c.name)] = c.auto_comment
    return found


def _submission_count(course: Path, assignment: str) -> int:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return len(gb.assignment_submissions(assignment))


def _feedback(course: Path, assignment: str) -> dict[str, str]:
    return {p.relative_to(course / "feedback").as_posix(): p.read_text()
            for p in sorted((course / "feedback").rglob("*.html"))
            if p.relative_to(course / "feedback").parts[1] == assignment}


def _grade_cli(course: Path, assignment: str, *extra: str) -> int:
    """`python -m hwlib grade` into ``course`` itself: the samples are passed as the
    class's submissions (without --submissions they would go to a scratch course)."""
    if "--submissions" not in extra:
        extra = ("--submissions", str(course / "samples" / assignment), *extra)
    return hwlib_main(["grade", assignment, "--course", str(course), "--seed", str(SEED),
                       "--no-progress", *extra])


@pytest.fixture(scope="module")
def local_course(released, tmp_path_factory) -> Path:
    """hw2 and hw3's samples graded on the local pool (the oracle)."""
    course = _copy(released, tmp_path_factory.mktemp("local") / "course")
    for name in GRADED:
        engine.grade(course, name, jobs=2, seed=SEED)
    return course


@pytest.fixture(scope="module")
def cluster_run(released, dask2, local_course, tmp_path_factory):
    """hw2 and hw3's samples graded through `--cluster` on the two workers
    (after the local grading: its pool forks only while no Dask thread runs)."""
    course = _copy(released, tmp_path_factory.mktemp("on-dask") / "course")
    with pytest.MonkeyPatch.context() as mp:
        spy = Spy(mp)
        codes = [_grade_cli(course, name, "--cluster", dask2.address) for name in GRADED]
    return course, spy, codes


def test_cluster_grading_succeeds_on_both_workers(cluster_run, dask2):
    """Does `--cluster` grade every sample on the Dask workers (both of them), with
    each submission written to the gradebook exactly once by this process?"""
    course, spy, codes = cluster_run
    assert codes == [0, 0]
    want = {(e["assignment"], e["student"]) for e in EXPECTED.values()
            if e["assignment"] in GRADED}
    assert dict(spy.records) == {key: 1 for key in want}
    assert len(spy.executors) == 2
    stats = [ex.stats for ex in spy.executors]
    assert [s["results"] for s in stats] == [
        sum(1 for a, _ in want if a == name) for name in GRADED]
    assert all(s["duplicates"] == 0 for s in stats)
    used = set().union(*(s["workers"] for s in stats))
    assert used == {f"worker {addr}" for addr in dask2.worker_addresses().values()}


@pytest.mark.parametrize("assignment", GRADED)
def test_cluster_gradebook_is_identical_to_local(local_course, cluster_run, assignment):
    """Same seed, same submissions: are the gradebook's grades and comments, the
    feedback pages, the messages and grades.csv's rows the same as local grading's?"""
    course, _, _ = cluster_run
    assert _submission_count(course, assignment) == _submission_count(local_course, assignment)
    assert _gradebook(course, assignment) == _gradebook(local_course, assignment)
    assert _feedback(course, assignment) == _feedback(local_course, assignment)
    ours = engine.grade(course, assignment, seed=SEED)          # nothing left to grade:
    theirs = engine.grade(local_course, assignment, seed=SEED)  # read back, not regraded
    assert ours.regraded == [] and theirs.regraded == []
    assert ours.scores == theirs.scores
    assert ours.messages == theirs.messages
    assert ours.total == theirs.total


def test_cluster_scores_are_the_hand_derived_ones(cluster_run):
    """Does each sample graded on the cluster get the points of expected.json?"""
    course, _, _ = cluster_run
    for name in GRADED:
        report = engine.grade(course, name, seed=SEED)
        for want in (e for e in EXPECTED.values() if e["assignment"] == name):
            got = report.scores[want["student"]]
            for pid, points in want["scores"].items():
                assert got[pid] == pytest.approx(points, abs=POINTS_ATOL), (name, pid)


def test_workers_leave_no_files(cluster_run, dask2):
    """Do the workers delete their scratch folders (no submission left behind)?"""
    left = [p for p in dask2.root.rglob("hwlib-sub-*")]
    assert left == []


def test_model_file_travels_and_is_evaluated_on_a_worker(real_root, released, dask2,
                                                         tmp_path, monkeypatch):
    """hw1 through `--cluster`: is the reference's model file (sent as bytes) evaluated
    on a worker, with the hand-derived points of every sample (hw1.p4 included)?"""
    course = _copy(released, tmp_path / "course")
    spy = Spy(monkeypatch)
    assert _grade_cli(course, "hw1", "--cluster", dask2.address) == 0
    (executor,) = spy.executors
    workers = {f"worker {a}" for a in dask2.worker_addresses().values()}
    assert set(executor.stats["worker_of"].values()) <= workers
    assert executor.stats["results"] == 3 and executor.stats["duplicates"] == 0
    report = engine.grade(course, "hw1", seed=SEED)
    assert report.regraded == []
    for want in (e for e in EXPECTED.values() if e["assignment"] == "hw1"):
        got = report.scores[want["student"]]
        for pid, points in want["scores"].items():
            assert got[pid] == pytest.approx(points, abs=POINTS_ATOL), pid
    assert "reaches 90%" in "\n".join(report.messages["reference"]["hw1.p4"])


def test_killed_worker_loses_nothing_and_grades_nothing_twice(released, tmp_path):
    """SIGKILL a worker while it grades: is every submission still graded (on
    the other worker), recorded exactly once, with its hand-derived points?"""
    course = _copy(released, tmp_path / "course")
    samples = {e["student"]: e for e in EXPECTED.values() if e["assignment"] == "hw2"}
    subs = tmp_path / "subs"
    students = {}
    for i in range(10):
        sample = sorted(samples)[i % len(samples)]
        student = f"s{i:02d}_{sample}"
        shutil.copytree(ASSIGNMENTS / "samples" / "hw2" / sample, subs / student)
        students[student] = samples[sample]
    killed = {}
    with cluster.LocalProcessCluster(tmp_path / "dask", 2, _env()) as running:
        procs = dict(zip((f"worker-{k}" for k in range(2)), running.workers))
        names = {addr: name for name, addr in running.worker_addresses().items()}

        def kill_a_busy_worker():
            from distributed import Client

            with Client(running.address, timeout=30, set_as_default=False) as client:
                busy = {addr: keys for addr, keys in client.processing().items() if keys}
            addr = max(busy, key=lambda a: len(busy[a]))
            procs[names[addr]].send_signal(signal.SIGKILL)
            procs[names[addr]].wait()
            killed.update(address=addr, keys=set(busy[addr]))

        with pytest.MonkeyPatch.context() as mp:
            spy = Spy(mp, on_first_record=kill_a_busy_worker)
            code = _grade_cli(course, "hw2", "--submissions", str(subs),
                              "--cluster", running.address)
        survivor = next(a for a in names if a != killed["address"])
    assert code == 0
    assert killed["keys"], "the killed worker had tasks in flight"
    assert procs[names[killed["address"]]].returncode == -signal.SIGKILL
    # graded exactly once: one gradebook write per student, no duplicate result
    assert dict(spy.records) == {("hw2", s): 1 for s in students}
    (executor,) = spy.executors
    assert executor.stats["duplicates"] == 0 and executor.stats["results"] == len(students)
    # what the dead worker held was graded by the survivor
    assert {executor.stats["worker_of"][k] for k in killed["keys"]} == {f"worker {survivor}"}
    assert _submission_count(course, "hw2") == len(students)
    report = engine.grade(course, "hw2", subs, seed=SEED)  # read back, not regraded
    assert report.regraded == []
    for student, want in students.items():
        for pid, points in want["scores"].items():
            assert report.scores[student][pid] == pytest.approx(points, abs=POINTS_ATOL)
    with (course / "grades.csv").open() as fh:
        rows = [r for r in csv.DictReader(fh) if r["assignment"] == "hw2"]
    assert sorted(r["student_id"] for r in rows) == sorted(students)


# ---------------------------------------------------------------- bubblewrap

FAKE_BWRAP = """#!/bin/sh
echo "bwrap: No permissions to creating new namespace, likely because the kernel does not \
allow non-privileged user namespaces." >&2
exit 1
"""


def _path_with_failing_bwrap(folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    fake = folder / "bwrap"
    fake.write_text(FAKE_BWRAP)
    fake.chmod(0o755)
    return f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"


def test_check_sandbox_names_bubblewrap_and_user_namespaces(tmp_path, monkeypatch):
    """When bwrap cannot create a namespace, does the check say so, with bwrap's words?"""
    monkeypatch.setenv("PATH", _path_with_failing_bwrap(tmp_path / "bin"))
    with pytest.raises(sandbox.SandboxUnavailable) as err:
        cluster.check_sandbox("worker test")
    text = str(err.value)
    assert text.startswith("worker test: bubblewrap cannot create a sandbox here")
    assert "likely because the kernel does not allow non-privileged user namespaces" in text
    assert "unprivileged user namespaces" in text and "docs/cluster.md" in text


def test_check_sandbox_without_bwrap(tmp_path, monkeypatch):
    """With no bwrap on PATH, does the check say bubblewrap is not installed?"""
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(sandbox.SandboxUnavailable, match="bubblewrap is not installed"):
        cluster.check_sandbox("worker test")


def test_check_sandbox_passes_here():
    """Does the check pass where the engine's sandbox works (this machine)?"""
    assert cluster.check_sandbox("here") is None


def test_worker_without_a_sandbox_stops_the_run_with_a_clear_error(released, tmp_path, capsys):
    """A worker whose bwrap cannot run: does `--cluster` exit 3 naming that worker,
    bubblewrap and user namespaces, and record nothing?"""
    course = _copy(released, tmp_path / "course")
    env = dict(_env(), PATH=_path_with_failing_bwrap(tmp_path / "bin"))
    with cluster.LocalProcessCluster(tmp_path / "dask", 0, _env()) as running:
        running.add_worker("no-userns", env=env)
        running.wait_for_workers(1)
        (addr,) = running.worker_addresses().values()
        code = _grade_cli(course, "hw2", "--cluster", running.address)
    err = capsys.readouterr().err
    assert code == 3
    assert f"worker {addr}: bubblewrap cannot create a sandbox here" in err
    assert "user namespaces" in err
    assert _submission_count(course, "hw2") == 0


# ---------------------------------------------------------------- the tasks

def _hw_task(tmp_path: Path, assignment: str, sample: str, student: str) -> dict:
    folder = tmp_path / student
    shutil.copytree(ASSIGNMENTS / "samples" / assignment / sample, folder)
    spec = scoring.load_manifest(ASSIGNMENTS)[assignment]
    return {"student": student, "folder": str(folder), "notebook": spec.notebook,
            "release": str(tmp_path / "release" / assignment / spec.notebook),
            "problems": [p.__dict__ for p in spec.problems], "cases": {"x": [1]},
            "limits": sandbox.Limits().__dict__}


def test_task_carries_the_model_file_bytes(tmp_path):
    """Does an hw1 task carry the notebook's and the model file's bytes (no paths)?"""
    task = cluster.portable_task(_hw_task(tmp_path, "hw1", "reference", "ann"),
                                 "hwlib.grading.checkers", "{}", "d", "run")
    folder = ASSIGNMENTS / "samples" / "hw1" / "reference"
    assert task["files"] == {"hw1.ipynb": (folder / "hw1.ipynb").read_bytes(),
                             "eurosat_model.pt": (folder / "eurosat_model.pt").read_bytes()}
    assert "folder" not in task and "release" not in task
    assert task["key"].startswith("hwlib-grade-hw1-ann-")


def test_task_key_is_assignment_student_and_content(tmp_path):
    """Is the key the same for the same content, and different for another
    student, other bytes or another run (seed, cases)?"""
    made = iter(range(100))

    def key(student, run="run", edit=None):
        task = _hw_task(tmp_path / str(next(made)), "hw2", "reference", student)
        if edit:
            nb = Path(task["folder"]) / "hw2.ipynb"
            nb.write_bytes(nb.read_bytes() + edit)
        return cluster.portable_task(task, "hwlib.grading.checkers", "{}", "d", run)["key"]

    assert key("ann") == key("ann")
    assert len({key("ann"), key("bob"), key("ann", edit=b" "), key("ann", run="other")}) == 4


def test_oversize_notebook_travels_as_its_size(tmp_path, monkeypatch):
    """Is a notebook over the engine's limit shipped as its size, recreated as a
    sparse file of that size on the worker, and reported as in local grading?"""
    monkeypatch.setattr(cluster.nbio, "MAX_NOTEBOOK_BYTES", 1000)
    task = _hw_task(tmp_path, "hw2", "reference", "ann")
    size = (Path(task["folder"]) / "hw2.ipynb").stat().st_size
    files = cluster.shipped_files(task)
    assert files == {"hw2.ipynb": size}
    (tmp_path / "scratch").mkdir()
    cluster._write_files(tmp_path / "scratch", files)
    assert (tmp_path / "scratch" / "hw2.ipynb").stat().st_size == size
    sub = cluster.nbio.read_submission(tmp_path / "scratch" / "hw2.ipynb", max_bytes=1000)
    assert sub.notes == cluster.nbio.read_submission(
        Path(task["folder"]) / "hw2.ipynb", max_bytes=1000).notes
    assert sub.answers == {} and "larger than" in sub.notes[0]


@pytest.mark.parametrize("name", ["../x", "a/b", "..", ""])
def test_worker_rejects_file_names_with_paths(tmp_path, name):
    """Can a task make the worker write outside its scratch folder? (no)"""
    with pytest.raises(ValueError, match="bad file name"):
        cluster._write_files(tmp_path, {name: b"x"})


# ---------------------------------------------------------------- where to grade

def test_cluster_address_order(tmp_path, monkeypatch):
    """--cluster beats $HWLIB_GRADE_CLUSTER, which beats the course config;
    'local' means the local pool everywhere."""
    course = tmp_path / "course"
    course.mkdir()
    monkeypatch.delenv(cli.CLUSTER_ENV, raising=False)
    assert cli.cluster_address(course) is None
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.HwlibGrade.cluster = 'tcp://config:8786'\n")
    assert cli.cluster_address(course) == "tcp://config:8786"
    monkeypatch.setenv(cli.CLUSTER_ENV, "tcp://env:8786")
    assert cli.cluster_address(course) == "tcp://env:8786"
    assert cli.cluster_address(course, "tcp://flag:8786") == "tcp://flag:8786"
    assert cli.cluster_address(course, "local") is None
    monkeypatch.setenv(cli.CLUSTER_ENV, "local")
    assert cli.cluster_address(course) is None


def test_unreachable_scheduler_is_exit_code_4(released, tmp_path, capsys, monkeypatch):
    """Does `--cluster` with no scheduler there exit 4 and say which address?"""
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 2)
    course = _copy(released, tmp_path / "course")
    address = f"tcp://127.0.0.1:{cluster.free_port()}"
    assert _grade_cli(course, "hw2", "--cluster", address) == 4
    assert f"cannot reach the Dask scheduler at {address}" in capsys.readouterr().err
