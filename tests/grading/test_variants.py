"""Does every student get their own numbers, in both releases, and is each graded on them?

A temporary copy of the course with variants on and a fixed secret. Two students,
ada and ben: their notebooks (exchange/JupyterHub release with the helper, and
per-student LMS notebooks) differ in every problem whose folder says it varies;
the releases hold no secret, no student name and no count the value questions ask.
A correct notebook for a student is the reference answer filled for that student's
numbers (build_samples.student_solutions); graded as its owner it earns full
points, submitted by the other student it loses exactly the checks whose answer is
a count for the owner's numbers, in every homework (each has a count question on the
student's own numbers). With variants off everyone sees the defaults.
"""
from __future__ import annotations

import importlib.util
import json
import re
import shutil
from pathlib import Path

import pytest

from hwlib import course as course_settings
from hwlib import registry, release
from hwlib.grading import engine
from hwlib.problems import by_id, folders, homeworks

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = ROOT / "assignments"
SECRET = "variants-test-secret"
ADA, BEN = "zq-ada-7731", "zq-ben-2209"
HOMEWORKS = ("hw1", "hw2", "hw3", "hw4")
GENERATED = ("release", "submitted", "autograded", "feedback", ".grading", "gradebook.db",
             "grades.csv", "__pycache__", ".course-secret", "samples")
POINTS_ATOL = 1e-4
# The value questions that ask for counts of the student's own numbers: problem id ->
# (how to read the counts from the reference answer, number of checks), from the
# folders' check.py CHECKS (an independent count: hw1 3(a) and hw3 6 add two count
# keys to two and four formula checks; hw2 5(b) and hw4 2(b) are counts only).
COUNTS = {
    "hw1.p3a": (lambda a: [a["conv"], a["dense"]], 4),
    "hw2.q5_counts": (lambda a: [a["standard"], a["depthwise"], a["pointwise"],
                                 a["separable"]], 4),
    "hw3.q6": (lambda a: [a["attention"]["total"], a["dense"]["total"]], 6),
    "hw4.q2_counts": (lambda a: [a["total"], a["layers"][-1]["output"]], 2),
}


def _script(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_samples = _script(ASSIGNMENTS / "build_samples.py")


def _course(tmp: Path, variants: bool) -> Path:
    course = tmp / "assignments"
    shutil.copytree(ASSIGNMENTS, course, ignore=shutil.ignore_patterns(*GENERATED))
    (course / "course.yaml").write_text(f"grading_version: 1\nvariants: {str(variants).lower()}\n")
    (course / ".course-secret").write_text(SECRET + "\n")
    return course


@pytest.fixture(scope="module")
def env():
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(course_settings.SECRET_ENV, raising=False)
        mp.delenv(release.STUDENT_ENV, raising=False)
        yield


@pytest.fixture(scope="module")
def course(env, tmp_path_factory):
    """The course copy with variants on, every homework released both ways."""
    path = _course(tmp_path_factory.mktemp("variants"), True)
    lms = path.parent / "lms"
    for hw in HOMEWORKS:
        release.exchange_release(path, hw, [ADA, BEN])
        release.per_student_release(path, hw, [ADA, BEN], lms)
    return path


def _settings(course: Path):
    return course_settings.settings(course, create_secret=False)


def _varying(hw: str) -> list:
    return [folders()[e.slug] for e in homeworks.load()[hw].entries
            if folders()[e.slug].meta.get("variants") is True]


def _helper(folder: Path):
    spec = importlib.util.spec_from_file_location(f"helper_{folder.name}",
                                                  folder / release.HELPER_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_problem_folder_says_whether_it_varies():
    """Does every problem.yaml state variants: true or false (with a reason comment)?"""
    for folder in folders().values():
        assert isinstance(folder.meta.get("variants"), bool), folder.slug
        line = next(l for l in folder.file("problem.yaml").splitlines() if l.startswith("variants:"))
        assert "#" in line and len(line.split("#", 1)[1].strip()) > 10, folder.slug
        if folder.kind in ("manual", "model_file"):
            assert folder.meta["variants"] is False, folder.slug


def test_students_get_different_numbers_in_every_varying_problem(course):
    """Do ada's and ben's parameters, and so their statements, differ in every varying problem?"""
    settings = _settings(course)
    for hw in HOMEWORKS:
        ada = release.statements_for(settings, homeworks.load()[hw], ADA)
        ben = release.statements_for(settings, homeworks.load()[hw], BEN)
        assert set(ada) == set(ben) == {f.id for f in _varying(hw)}
        for pid in ada:
            assert course_settings.params_for(settings, ADA, pid) != \
                course_settings.params_for(settings, BEN, pid), pid
            assert ada[pid] != ben[pid], pid


def test_exchange_release_shows_each_student_their_own_statement(course, monkeypatch):
    """In the one released notebook, does each varying problem point to a read-only cell
    that shows the running student's statement (by $HWLIB_STUDENT / $JUPYTERHUB_USER),
    and an unknown student a message instead of numbers?"""
    settings = _settings(course)
    for hw in HOMEWORKS:
        folder = course / "release" / hw
        nb = json.loads((folder / f"{hw}.ipynb").read_text())
        shows = [c for c in nb["cells"] if c["metadata"].get("hwlib", {}).get("shows")]
        assert [c["metadata"]["hwlib"]["shows"] for c in shows] == [f.id for f in _varying(hw)]
        assert all(c["metadata"]["editable"] is False for c in shows)
        helper = _helper(folder)
        for pid in (f.id for f in _varying(hw)):
            monkeypatch.setenv(release.STUDENT_ENV, ADA)
            ada, why = helper.statement(pid)
            assert why is None
            assert ada == release.statements_for(settings, homeworks.load()[hw], ADA)[pid]
            monkeypatch.delenv(release.STUDENT_ENV)
            monkeypatch.setenv("JUPYTERHUB_USER", BEN)
            ben, _ = helper.statement(pid)
            assert ben == release.statements_for(settings, homeworks.load()[hw], BEN)[pid]
            assert ada != ben
            monkeypatch.setenv("JUPYTERHUB_USER", "carol")
            text, why = helper.statement(pid)
            assert text is None and "Ask the instructor" in why and "carol" in why


def test_helper_without_its_data_file_says_where_to_get_the_numbers(course, tmp_path,
                                                                    monkeypatch, capsys):
    """Does the released helper, copied away from hwlib_numbers.json, show no numbers and
    say that this copy has none and to take the notebook from the hub or LMS?"""
    shutil.copy(course / "release" / "hw1" / release.HELPER_FILE, tmp_path)
    helper = _helper(tmp_path)
    monkeypatch.setenv(release.STUDENT_ENV, ADA)
    text, why = helper.statement("hw1.p3a")
    assert text is None and why == release.NO_NUMBERS
    assert "no per-student numbers" in why and "JupyterHub or LMS" in why
    helper.show("hw1.p3a")
    assert "no per-student numbers" in capsys.readouterr().out


def _release_text(course: Path) -> str:
    texts = [p.read_text() for hw in HOMEWORKS for p in (course / "release" / hw).iterdir()
             if p.is_file()]
    texts += [p.read_text() for p in (course.parent / "lms").glob("*/*.ipynb")]
    return "\n".join(texts)


def test_releases_hold_no_secret_no_roster_and_no_counts(course):
    """Do the released files hold neither the secret, nor a student's name next to numbers
    (the exchange file is keyed by HMAC; an LMS notebook names only its own student), nor
    a count the value questions ask for?"""
    exchange = "\n".join(p.read_text() for hw in HOMEWORKS
                         for p in (course / "release" / hw).iterdir() if p.is_file())
    assert SECRET not in _release_text(course)
    assert ADA not in exchange and BEN not in exchange
    for student, other in ((ADA, BEN), (BEN, ADA)):
        for nb_path in (course.parent / "lms" / student).glob("*.ipynb"):
            nb = json.loads(nb_path.read_text())
            assert nb["metadata"]["hwlib"]["student"] == student
            assert other not in nb_path.read_text()
    settings = _settings(course)
    text = _release_text(course)
    for student in (ADA, BEN):
        for pid, (read, _) in COUNTS.items():
            for count in read(_answer(settings, student, pid)):
                if isinstance(count, int) and count >= 100:   # small ones occur for other reasons
                    assert not re.search(rf"\b{count}\b", text), (pid, count)


def test_lms_notebooks_show_each_students_numbers(course):
    """Does each per-student notebook carry that student's statements in its markdown,
    the same cells otherwise as the release, and differ from the other's in every varying
    problem?"""
    settings = _settings(course)
    for hw in HOMEWORKS:
        ada = json.loads((course.parent / "lms" / ADA / f"{hw}.ipynb").read_text())
        ben = json.loads((course.parent / "lms" / BEN / f"{hw}.ipynb").read_text())
        assert len(ada["cells"]) == len(ben["cells"])
        differ = [i for i, (a, b) in enumerate(zip(ada["cells"], ben["cells"]))
                  if a["source"] != b["source"]]
        assert len(differ) == len(_varying(hw))
        ada_text = ["".join(ada["cells"][i]["source"]) for i in differ]
        assert sorted(ada_text) == sorted(
            release.statements_for(settings, homeworks.load()[hw], ADA).values())


def _answer(settings, student: str, pid: str):
    """The reference answer of a count question for ``student``'s own numbers."""
    folder = by_id(pid)
    reference = folders()[folder.reference_slug].registry_id
    return registry.get(reference).solve(course_settings.params_for(settings, student, pid))


def _notebook(course: Path, hw: str, student: str) -> dict:
    """A correct notebook for ``student``: the release with their reference answers."""
    released = json.loads((course / "release" / hw / f"{hw}.ipynb").read_text())
    return build_samples.fill(released, build_samples.student_solutions(
        hw, _settings(course), student))


def _grade(course: Path, hw: str, submissions: dict[str, dict]) -> dict:
    subs = course.parent / f"subs-{hw}-{len(list(course.parent.iterdir()))}"
    for student, nb in submissions.items():
        (subs / student).mkdir(parents=True, exist_ok=True)
        (subs / student / f"{hw}.ipynb").write_text(json.dumps(nb))
    report = engine.grade(course, hw, submissions_dir=subs, jobs=2, force=True)
    return report


def test_every_homework_asks_counts_of_the_students_own_numbers():
    """Does every homework have a count question on the student's own numbers (so that a
    notebook copied from another student loses points in each)?"""
    for hw in HOMEWORKS:
        assert [f.id for f in _varying(hw) if f.id in COUNTS], hw


@pytest.mark.parametrize("hw", HOMEWORKS)
def test_each_is_graded_on_their_own_numbers(course, hw):
    """Does each correct notebook earn full points as its owner, and ada's notebook
    submitted by ben lose exactly the count checks whose counts differ between them?"""
    points = {p["id"]: p["points"] for p in
              json.loads((course / "manifest.json").read_text())["assignments"][hw]["problems"]
              if p["kind"] in ("function", "value")}
    own = _grade(course, hw, {ADA: _notebook(course, hw, ADA), BEN: _notebook(course, hw, BEN)})
    for student in (ADA, BEN):
        for pid, full in points.items():
            assert own.scores[student][pid] == pytest.approx(full, abs=POINTS_ATOL), \
                (student, pid, own.messages[student].get(pid))
    copied = _grade(course, hw, {BEN: _notebook(course, hw, ADA)})
    settings = _settings(course)
    lost = 0.0
    for pid, full in points.items():
        read, checks = COUNTS.get(pid, (lambda a: [], 1))
        differ = 0
        if pid in COUNTS:
            differ = sum(a != b for a, b in zip(read(_answer(settings, ADA, pid)),
                                                read(_answer(settings, BEN, pid))))
            assert differ > 0, pid      # the two students' counts must tell them apart
        want = full * (checks - differ) / checks
        lost += full - want
        assert copied.scores[BEN][pid] == pytest.approx(want, abs=POINTS_ATOL), \
            (pid, copied.messages[BEN].get(pid))
    assert lost > 0 and any(pid in points for pid in COUNTS)


def test_with_variants_off_everyone_sees_the_defaults(env, tmp_path):
    """With variants off, are both releases the plain nbgrader release (the defaults'
    statements, no helper, no data file) for every student?"""
    course = _course(tmp_path, False)
    hw = "hw3"
    folder = release.exchange_release(course, hw, [ADA, BEN])
    assert not (folder / release.DATA_FILE).exists()
    plain = json.loads((folder / f"{hw}.ipynb").read_text())
    assert not any("hwlib" in c["metadata"] for c in plain["cells"])
    written = release.per_student_release(course, hw, [ADA, BEN], tmp_path / "lms")
    for path in written:
        nb = json.loads(path.read_text())
        assert [c["source"] for c in nb["cells"]] == [c["source"] for c in plain["cells"]]
    source = "".join("".join(c["source"]) for c in plain["cells"])
    d = registry.get("hw3.q6").defaults
    assert f"$D={d['d']}$ and $N={d['n']}$" in source


def test_roster_file_and_bad_ids(tmp_path):
    """Is a roster file read one id a line (comments, blanks and repeats skipped), and an
    id that cannot name a folder refused with a ValueError naming students?"""
    roster = tmp_path / "roster.txt"
    roster.write_text("# class of 2026\nada\n\nben  # late\nada\n")
    assert release.read_roster(tmp_path, roster) == ["ada", "ben"]
    roster.write_text("ada\n../evil\n")
    with pytest.raises(ValueError, match="students"):
        release.read_roster(tmp_path, roster)
    roster.write_text("# nobody\n")
    with pytest.raises(ValueError, match="students: no student id"):
        release.read_roster(tmp_path, roster)


def test_release_command_writes_per_student_notebooks(course, tmp_path, capsys):
    """Does `python -m hwlib release hw4 --students FILE --per-student OUT` write one
    notebook per roster student (and a bad course directory give a clear error)?"""
    from hwlib import cli

    roster = tmp_path / "roster.txt"
    roster.write_text(f"{ADA}\n{BEN}\n")
    out = tmp_path / "out"
    assert cli.main(["release", "hw4", "--course", str(course), "--students", str(roster),
                     "--per-student", str(out)]) == 0
    assert sorted(p.parent.name for p in out.glob("*/hw4.ipynb")) == sorted([ADA, BEN])
    assert cli.main(["release", "hw4", "--course", str(tmp_path), "--students", str(roster)]) == 2
    assert "--course" in capsys.readouterr().err
