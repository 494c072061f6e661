"""Build the bundled sample submissions and their expected grades.

Run from the repository root (after ``build_notebooks.py``)::

    .venv/bin/python assignments/build_samples.py

For each homework it makes the student release exactly as nbgrader does
(``nbgrader generate_assignment`` in a scratch course directory), then fills
its answer cells to make one submission per sample student:

* ``reference``: every answer cell holds the source notebook's solution;
* ``untouched``: the release as handed out (``raise NotImplementedError``);
* one realistic wrong submission per known mistake marked ``sample`` in a
  problem folder's ``mistakes.py``: the reference with ONE answer replaced.

It writes ``assignments/samples/<hw>/<student>/<hw>.ipynb`` and
``assignments/samples/expected.json``. The expected points are NOT obtained by
running the grader: they are the manifest's points, with the deductions
worked out by hand in the folders' ``mistakes.py`` (each says why).

Only the homeworks with a stale sample are rebuilt. ``--check`` rebuilds
nothing: it fails when expected.json, an answer cell of a sample or a cell
the release copies from the source differs from what the sources say (a
stale or hand-edited sample).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the hwlib of this checkout

from hwlib.problems import folders, homeworks  # noqa: E402

SAMPLES = HERE / "samples"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


# ------------------------------------------------------------------ the mistakes
def mistakes() -> dict[str, dict[str, dict]]:
    """{homework: {student: mistake}} from the problem folders' mistakes.py.

    Each known mistake with a ``sample`` name becomes one wrong submission: the
    reference with ONE answer cell replaced by the mistake's code. Its expected
    points are the mistake's ``score`` (a fraction, worked out by hand and
    explained in its ``why``) times the homework's points for the problem.
    """
    out: dict[str, dict[str, dict]] = {}
    for hw in homeworks.load(HERE / "homeworks").values():
        for entry in hw.entries:
            folder = folders()[entry.slug]
            module = folder.module("mistakes")
            for m in (module.MISTAKES if module else []):
                if m.get("sample"):
                    out.setdefault(hw.name, {})[m["sample"]] = {
                        "cell": folder.id.replace(".", "_") + "_answer", "problem": folder.id,
                        "points": _points(m["score"] * entry.points), "phrase": m["phrase"],
                        "code": m["code"]}
    return out


def _points(value):
    value = float(value)
    return int(value) if value.is_integer() else round(value, 4)


# Problems whose answer is a file next to the notebook. Only hw1's reference
# ships one: the BN + dropout (p = 0.05) network of the course's GPU ablation
# (book/results/eurosat-ablation, BN-drop), 93.63% test accuracy there, which
# is above the top threshold (90%, THRESHOLDS in the folder's check.py), so
# it earns full points. It is kept across rebuilds; every other sample has no
# file and scores 0 there.
MODEL_FILES = {("hw1", "reference"): "eurosat_model.pt"}
MODEL_PHRASE = "reaches {:.0f}%".format(
    100 * folders()["eurosat_trained_model"].module("check").THRESHOLDS[0][0])
NO_FILE_PHRASE = "no model file eurosat_model.pt"
UNTOUCHED_PHRASE = "NotImplementedError"
UNDEFINED_PHRASE = "is not defined"


def release(assignment: str, scratch: Path) -> dict:
    """The student version of a source notebook, made by nbgrader itself."""
    course = scratch / "course"
    src = course / "source" / assignment
    shutil.copytree(HERE / "source" / assignment, src)
    nbgrader = Path(sys.executable).with_name("nbgrader")
    cmd = [str(nbgrader), "generate_assignment", assignment, "--force",
           f"--CourseDirectory.root={course}", f"--db=sqlite:///{scratch / 'gradebook.db'}"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    # nbgrader runs the `alembic` script of its own environment by name
    env["PATH"] = f"{nbgrader.parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(cmd, cwd=course, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"nbgrader generate_assignment {assignment} failed:\n{done.stderr}")
    with open(course / "release" / assignment / f"{assignment}.ipynb", encoding="utf-8") as fh:
        return json.load(fh)


def solutions(assignment: str) -> dict[str, str]:
    """{grade_id: answer cell text with the solution markers removed} from the source."""
    with open(HERE / "source" / assignment / f"{assignment}.ipynb", encoding="utf-8") as fh:
        nb = json.load(fh)
    out = {}
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            lines = "".join(cell["source"]).split("\n")
            out[meta["grade_id"]] = _unmarked("\n".join(lines))
    return out


def _unmarked(code: str) -> str:
    return "\n".join(line for line in code.split("\n") if line.strip() not in (BEGIN, END))


def student_solutions(assignment: str, course, student: str) -> dict[str, str]:
    """{grade_id: the reference answer cell for ``student``'s numbers}: a correct
    submission of that student (a value question's counts are for their own
    numbers, :func:`hwlib.course.params_for`; a function is the same for everyone).
    The bundled samples are the same with variants off (everyone's numbers are the
    defaults): :func:`solutions`."""
    from hwlib import course as course_settings
    from hwlib.problems.render import solution_code

    out = dict(solutions(assignment))
    for entry in homeworks.load(HERE / "homeworks")[assignment].entries:
        folder = folders()[entry.slug]
        if folder.kind in ("function", "value"):
            params = course_settings.params_for(course, student, folder.id)
            out[folder.id.replace(".", "_") + "_answer"] = _unmarked(solution_code(folder, params))
    return out


def fill(released: dict, answers: dict[str, str]) -> dict:
    """A copy of the release with the given answer cells replaced."""
    nb = json.loads(json.dumps(released))
    for cell in nb["cells"]:
        gid = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if gid in answers:
            text = answers[gid].strip("\n")
            lines = text.split("\n")
            cell["source"] = [line + "\n" for line in lines[:-1]] + [lines[-1]]
            if cell["cell_type"] == "code":
                cell["outputs"], cell["execution_count"] = [], None
    return nb


def expected_scores(manifest: dict, assignment: str, student: str) -> dict:
    """Hand-derived points per autograded problem and the phrase each feedback must hold."""
    problems = [p for p in manifest["assignments"][assignment]["problems"] if p["kind"] != "manual"]
    scores, phrases = {}, {}
    for p in problems:
        if p["kind"] == "model_file" and (assignment, student) in MODEL_FILES:
            scores[p["id"]], phrases[p["id"]] = p["points"], MODEL_PHRASE
        elif p["kind"] == "model_file":
            scores[p["id"]], phrases[p["id"]] = 0, NO_FILE_PHRASE
        elif student == "untouched":
            # a stub function raises; a stub value cell raises before the name exists
            scores[p["id"]] = 0
            phrases[p["id"]] = UNTOUCHED_PHRASE if p["kind"] == "function" else UNDEFINED_PHRASE
        else:
            scores[p["id"]], phrases[p["id"]] = p["points"], ": correct"
    mistake = mistakes().get(assignment, {}).get(student)
    if mistake:
        scores[mistake["problem"]] = mistake["points"]
        phrases[mistake["problem"]] = mistake["phrase"]
    return {"assignment": assignment, "student": student, "scores": scores,
            "total": sum(scores.values()), "feedback": phrases}


NOTE = ("points per autograded problem, derived by hand from manifest.json and the "
        "problem folders' mistakes.py (see build_samples.py); feedback: a phrase the "
        "problem's feedback must contain")


def plan(manifest: dict) -> dict[tuple[str, str], dict[str, str]]:
    """{(assignment, student): {answer cell id: its text}} of every sample."""
    out = {}
    for assignment in manifest["assignments"]:
        reference = solutions(assignment)
        out[(assignment, "reference")] = reference
        out[(assignment, "untouched")] = {}
        for student, mistake in mistakes().get(assignment, {}).items():
            out[(assignment, student)] = {**reference, mistake["cell"]: mistake["code"]}
    return out


def expected_text(manifest: dict, samples: dict) -> str:
    expected = {f"{a}/{s}": expected_scores(manifest, a, s) for a, s in samples}
    return json.dumps({"note": NOTE, "samples": expected}, indent=2) + "\n"


def _same_as_source(nb: dict, source: dict) -> bool:
    """Whether every cell the release copies unchanged (not an answer, not a hidden
    test) is as in the source notebook, and the cells are the same in number."""
    if len(nb["cells"]) != len(source["cells"]):
        return False
    for cell, src in zip(nb["cells"], source["cells"]):
        text = "".join(src["source"])
        if src["metadata"].get("nbgrader", {}).get("solution") or "BEGIN HIDDEN TESTS" in text:
            continue
        if "".join(cell["source"]) != text:
            return False
    return True


def stale_samples(manifest: dict) -> list[tuple[str, str]]:
    """(assignment, student) of every sample that differs from what the sources say."""
    samples = plan(manifest)
    stale = []
    for (assignment, student), answers in samples.items():
        nb_path = SAMPLES / assignment / student / f"{assignment}.ipynb"
        if not nb_path.is_file():
            stale.append((assignment, student))
            continue
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        source = json.loads((HERE / "source" / assignment / f"{assignment}.ipynb").read_text(
            encoding="utf-8"))
        ids = {c["metadata"].get("nbgrader", {}).get("grade_id") for c in nb["cells"]}
        want = fill(nb, answers)["cells"]
        if not set(answers) <= ids or not _same_as_source(nb, source) or any(
                "".join(a["source"]) != "".join(b["source"]) for a, b in zip(nb["cells"], want)):
            stale.append((assignment, student))
    return stale


def check(manifest: dict) -> list[str]:
    """What differs between the bundled samples and what the sources say."""
    samples = plan(manifest)
    problems = [f"{a}/{s}/{a}.ipynb" for a, s in stale_samples(manifest)]
    extra = {(p.parent.parent.name, p.parent.name) for p in SAMPLES.glob("*/*/*.ipynb")} - set(samples)
    problems += [f"{a}/{s} (no such sample)" for a, s in sorted(extra)]
    path = SAMPLES / "expected.json"
    if not path.is_file() or path.read_text(encoding="utf-8") != expected_text(manifest, samples):
        problems.append("assignments/samples/expected.json")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 naming every stale or hand-edited sample")
    args = parser.parse_args(argv)
    manifest = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    if args.check:
        stale = check(manifest)
        if stale:
            print(f"stale or edited by hand: {', '.join(stale)}; rebuild with `make assignments`")
            return 1
        print("samples are up to date")
        return 0
    if not check(manifest):
        print("samples are up to date")
        return 0
    samples = plan(manifest)
    redo = {a for a, _ in stale_samples(manifest)}
    for old in SAMPLES.glob("*/*/*.ipynb"):  # the shipped model files stay
        if old.parent.parent.name in redo or (old.parent.parent.name, old.parent.name) not in samples:
            old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        released = {}
        for (assignment, student), answers in samples.items():
            if assignment not in redo:
                continue
            if assignment not in released:
                released[assignment] = release(assignment, Path(tmp) / assignment)
            out = SAMPLES / assignment / student / f"{assignment}.ipynb"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(fill(released[assignment], answers), indent=1,
                                      ensure_ascii=False) + "\n", encoding="utf-8")
            print(f"wrote {out.relative_to(HERE)}")
    (SAMPLES / "expected.json").write_text(expected_text(manifest, samples), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
