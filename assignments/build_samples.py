"""Build the bundled sample submissions and their expected grades.

Run from the repository root (after ``build_notebooks.py``)::

    .venv/bin/python assignments/build_samples.py

For each homework it makes the student release exactly as nbgrader does
(``nbgrader generate_assignment`` in a scratch course directory), then fills
its answer cells to make one submission per sample student:

* ``reference``: every answer cell holds the source notebook's solution;
* ``untouched``: the release as handed out (``raise NotImplementedError``);
* one realistic wrong submission per known mistake of the seeds: the
  reference with ONE answer replaced (see ``MISTAKES``).

It writes ``assignments/samples/<hw>/<student>/<hw>.ipynb`` and
``assignments/samples/expected.json``. The expected points are NOT obtained by
running the grader: they are the manifest's points, with the deductions
worked out by hand in ``MISTAKES`` (each says why).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLES = HERE / "samples"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"

# ------------------------------------------------------------------ the mistakes
# Each wrong submission replaces one answer cell (by grade_id) with the code a
# student with that misconception would write. "points" is the hand-derived
# score of the affected problem; "phrase" must appear in its feedback.
MISTAKES = {
    "hw1": {
        "ema_no_debias": {
            "cell": "hw1_p1_answer", "problem": "hw1.p1", "points": 0,
            # Every case fails: the first raw average is (1-beta) x_1, not x_1.
            "phrase": "without bias correction",
            "code": '''
import numpy as np

def ema_debiased(xs, beta):
    """Bias-corrected EMA: list of mu_t / (1 - beta**t) for t = 1..n, mu_0 = 0."""
    mu, out = 0.0, []
    for x in xs:
        mu = beta * mu + (1 - beta) * x
        out.append(mu)          # forgot to divide by 1 - beta**t
    return out
'''},
    },
    "hw2": {
        "transpose_handworked": {
            "cell": "hw2_q2c_answer", "problem": "hw2.q2c", "points": 0,
            # Seed 001's first answer, worked by hand and hard-coded: wrong at
            # (0,1), (1,0), (2,1) on the seed example and wrong shape or values
            # on every random case, so all 4 checks fail.
            "phrase": "entry (0,1) should be 3, got 6",
            "code": '''
import numpy as np

def transpose_conv2d(x, w, stride, padding):
    """2D transpose convolution (scatter-add, no flip); output cropped by padding."""
    # worked out on paper for the example of the statement
    return np.array([[-1, 6, -2],
                     [0, -3, 1],
                     [0, 0, 1]])
'''},
        "flipped_filter": {
            "cell": "hw2_q2b_answer", "problem": "hw2.q2b", "points": 0,
            # True convolution instead of cross-correlation returns the filter
            # reversed; the checker only draws non-palindromic filters, so all
            # 4 cases fail.
            "phrase": "filter reversed",
            "code": '''
import numpy as np

def filter_from_output(x, y):
    """Length-3 filter w with y[i] = sum_j w[j] x[i + j] (cross-correlation, no flip)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    k = len(x) - len(y) + 1
    # textbook convolution: the window is read backwards
    A = np.array([x[i:i + k][::-1] for i in range(len(y))])
    w, *_ = np.linalg.lstsq(A, y, rcond=None)
    return w
'''},
    },
    "hw3": {
        "dilation_off_by_one": {
            "cell": "hw3_q1_answer", "problem": "hw3.q1", "points": 0,
            # Taps `dilation` apart instead of dilation + 1: every case has
            # kernel size >= 2, so every case fails.
            "phrase": "dilation + 1",
            "code": '''
def dilated_input_indices(kernel_size, dilation, stride, k):
    """1-based input indices read by output z_k (dilation = zeros between taps)."""
    start = 1 + stride * (k - 1)
    return [start + j * dilation for j in range(kernel_size)]
'''},
    },
    "hw4": {
        "bn_unbiased_var": {
            "cell": "hw4_q3_answer", "problem": "hw4.q3", "points": 1,
            # Variance divided by m - 1: dx and dgamma are wrong on every case
            # (m >= 2), dbeta = sum(dy) is still right: 1 of 3 checks per case,
            # 1/3 of 3 points = 1.
            "phrase": "unbiased variance",
            "code": '''
import numpy as np

def bn_backward(x, dy, gamma, eps):
    """Gradients of batch norm (biased batch variance) w.r.t. x, gamma and beta."""
    x, g = np.asarray(x, dtype=float), np.asarray(dy, dtype=float)
    m = x.shape[0]
    mu = x.mean()
    var = x.var(ddof=1)                     # sample variance
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    dxhat = gamma * g
    dvar = -0.5 * np.sum(dxhat * (x - mu)) * inv_std ** 3
    dmu = -np.sum(dxhat) * inv_std
    dx = dxhat * inv_std + dvar * 2.0 * (x - mu) / m + dmu / m
    return {"dx": dx, "dgamma": np.sum(g * xhat), "dbeta": np.sum(g)}
'''},
    },
}

# Problems whose answer is a file next to the notebook. Only hw1's reference
# ships one: the BN + dropout (p = 0.05) network of the course's GPU ablation
# (book/results/eurosat-ablation, BN-drop), 93.63% test accuracy there, which
# is above the top threshold (90%) of hwlib.train.grade_trained_model, so it
# earns full points. It is kept across rebuilds; every other sample has no
# file and scores 0 there.
MODEL_FILES = {("hw1", "reference"): "eurosat_model.pt"}
MODEL_PHRASE = "reaches 90%"
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
            out[meta["grade_id"]] = "\n".join(
                line for line in lines if line.strip() not in (BEGIN, END))
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
    mistake = MISTAKES.get(assignment, {}).get(student)
    if mistake:
        scores[mistake["problem"]] = mistake["points"]
        phrases[mistake["problem"]] = mistake["phrase"]
    return {"assignment": assignment, "student": student, "scores": scores,
            "total": sum(scores.values()), "feedback": phrases}


def main() -> None:
    manifest = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    for old in SAMPLES.glob("*/*/*.ipynb"):  # the shipped model files stay
        old.unlink()
    expected = {}
    with tempfile.TemporaryDirectory() as tmp:
        for assignment in manifest["assignments"]:
            released = release(assignment, Path(tmp) / assignment)
            reference = solutions(assignment)
            students = {"reference": reference, "untouched": {}}
            for student, mistake in MISTAKES.get(assignment, {}).items():
                students[student] = {**reference, mistake["cell"]: mistake["code"]}
            for student, answers in students.items():
                out = SAMPLES / assignment / student / f"{assignment}.ipynb"
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(json.dumps(fill(released, answers), indent=1, ensure_ascii=False)
                               + "\n", encoding="utf-8")
                expected[f"{assignment}/{student}"] = expected_scores(manifest, assignment, student)
                print(f"wrote {out.relative_to(HERE)}")
    (SAMPLES / "expected.json").write_text(json.dumps(
        {"note": "points per autograded problem, derived by hand from manifest.json "
                 "(see MISTAKES in build_samples.py); feedback: a phrase the problem's "
                 "feedback must contain",
         "samples": expected}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
