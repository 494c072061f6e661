"""The feedback page's head and totals: offline MathJax, pending manual parts, late penalty.

Conventions
-----------
* Math: the page carries its own MathJax 3 (the ``tex-svg-full.js`` bundle of
  the ``sphinx-mathjax-offline`` package, the copy the course site serves,
  with MathJax's ``ui/safe`` filter appended) INLINE, so the page is one file
  that typesets ``$...$`` offline, wherever it is opened. TeX's ``require``
  and ``autoload`` are off (nothing is ever fetched); ``ui/safe`` filters the
  URLs and styles that TeX (``\\href``, ``\\style``) may put in a formula.
  Without that package the formulas show as their TeX source.
* A Content-Security-Policy ``<meta>`` in the head lets only that one script
  run (by its SHA-256 hash: no other inline script or event handler runs,
  should one slip past the sanitiser) and loads nothing from any URL: images
  and fonts only as ``data:``, styles only inline.
* A graded cell with neither an automatic nor a manual score is *pending*
  (a written answer awaiting a human, or an answer the grader could not
  score here): it shows "pending (manual, 2 points)" instead of "0 / 2", and
  the total states "autograded X / Y; Z points awaiting manual grading".
  Once a manual score exists it is shown and counted.
* A late penalty recorded by nbgrader is shown with the total before it, the
  penalty, and the total after it.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import importlib.metadata
import re
from pathlib import Path

from nbgrader.preprocessors import GetGrades

MATHJAX_DIST = "sphinx-mathjax-offline"
MATHJAX_FILES = ("tex-svg-full.js", "ui/safe.js")   # under <package>/static/mathjax/
SUMMARY_KEY = "hwlib_feedback"

# Like the site's MathJax, with $...$ for inline math (nbconvert keeps it in markdown).
MATHJAX_CONFIG = r"""window.MathJax = {
  tex: {inlineMath: [['$', '$'], ['\\(', '\\)']], displayMath: [['$$', '$$'], ['\\[', '\\]']],
        processEscapes: true, processEnvironments: true,
        packages: {'[-]': ['require', 'autoload']}},
  options: {ignoreHtmlClass: 'tex2jax_ignore', processHtmlClass: 'tex2jax_process'},
  svg: {fontCache: 'global'}
};
"""
_MATHJAX_BLOCK = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->",
                            re.DOTALL)


def mathjax_dir() -> Path | None:
    """The folder of the installed MathJax 3 copy, or None when it is not installed."""
    try:
        dist = importlib.metadata.distribution(MATHJAX_DIST)
    except importlib.metadata.PackageNotFoundError:
        return None
    folder = Path(dist.locate_file(f"{MATHJAX_DIST}/static/mathjax"))
    return folder if all((folder / f).is_file() for f in MATHJAX_FILES) else None


@functools.lru_cache(maxsize=1)
def mathjax_script() -> str | None:
    """The inline script (configuration, MathJax, its safe filter), or None."""
    folder = mathjax_dir()
    if folder is None:
        return None
    parts = [MATHJAX_CONFIG] + [(folder / f).read_text(encoding="utf-8") for f in MATHJAX_FILES]
    text = "\n;\n".join(parts)
    # inside <script>, "</script" would end the element early
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)


def content_security_policy(script: str | None) -> str:
    """The page's policy: only ``script`` (by hash) runs; nothing loads from a URL."""
    scripts = "'none'"
    if script is not None:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        scripts = f"'sha256-{digest}'"
    return ("default-src 'none'; script-src " + scripts + "; style-src 'unsafe-inline'; "
            "img-src data:; font-src data:; base-uri 'none'; form-action 'none'")


# Where the inline MathJax goes: the template writes this marker into the head and
# the exporter puts the script there last (:func:`insert_mathjax`), after nbconvert
# has re-parsed the page with BeautifulSoup (2.5 MB of script made that pass the
# slowest part of a feedback page).
MATHJAX_MARK = "<!-- hwlib: inline MathJax -->"


def offline_head(head: str) -> str:
    """nbgrader's feedback ``<head>`` with its CDN MathJax replaced by the inline
    copy's marker (or by nothing) and the Content-Security-Policy added first."""
    script = mathjax_script()
    if script is None:
        mathjax = "<!-- MathJax is not installed here: formulas show as TeX source -->"
    else:
        mathjax = MATHJAX_MARK
    head = _MATHJAX_BLOCK.sub(lambda _: mathjax, head, count=1)
    meta = (f'<meta http-equiv="Content-Security-Policy" '
            f'content="{content_security_policy(script)}" />')
    return head.replace('<meta charset="utf-8" />', f'<meta charset="utf-8" />\n{meta}', 1)


def insert_mathjax(html: str) -> str:
    """The finished page with the inline MathJax at the head's marker (the first one:
    the head comes before anything a student wrote)."""
    script = mathjax_script()
    if script is None or MATHJAX_MARK not in html:
        return html
    return html.replace(MATHJAX_MARK, f"<script>{script}</script>", 1)


# ============================================================ totals
def _num(x: float) -> str:
    return f"{round(float(x), 2):g}"


def _points(x: float) -> str:
    return f"{_num(x)} point" + ("" if _num(x) == "1" else "s")


def cell_status(score, max_score, pending: bool) -> str:
    """A graded cell's score: "Score: 1.5 / 2" or "pending (manual, 2 points)"."""
    if pending:
        return f"pending (manual, {_points(max_score)})"
    return f"Score: {_num(score or 0)} / {_num(max_score)}"


def summary(grades: list[tuple[float | None, float, bool]], late_penalty: float = 0.0) -> str:
    """The page's total from ``(score, max_score, pending)`` of each graded cell.

    Pending cells count in neither the score nor the maximum and are stated
    apart; a late penalty is shown with the total before and after it.
    """
    got = sum(float(s or 0) for s, _, p in grades if not p)
    out_of = sum(float(m) for _, m, p in grades if not p)
    waiting = sum(float(m) for _, m, p in grades if p)
    penalty = float(late_penalty or 0)
    text = f"{'autograded' if waiting else 'Score:'} {_num(got)} / {_num(out_of)}"
    if penalty > 0:
        text += (f" before the late penalty; late penalty -{_num(penalty)}; "
                 f"{_num(got - penalty)} / {_num(out_of)} after it")
    if waiting:
        text += f"; {_points(waiting)} awaiting manual grading"
    return text


class GetFeedbackGrades(GetGrades):
    """nbgrader's GetGrades that also marks pending cells (``nbgrader.pending``)
    and puts the page's total (:func:`summary`) and each cell's status
    (:func:`cell_status`, ``nbgrader.status``) where the template shows them."""

    def preprocess(self, nb, resources):
        nb, resources = super().preprocess(nb, resources)
        penalty = resources["nbgrader"].get("late_penalty") or 0
        grades = [(c.metadata.nbgrader.get("score"), c.metadata.nbgrader.get("points") or 0,
                   bool(c.metadata.nbgrader.get("pending")))
                  for c in nb.cells if "status" in c.metadata.get("nbgrader", {})]
        resources[SUMMARY_KEY] = {"total": summary(grades, penalty)}
        return nb, resources

    def _get_score(self, cell, resources):
        grade = self.gradebook.find_grade(cell.metadata["nbgrader"]["grade_id"], self.notebook_id,
                                          self.assignment_id, self.student_id)
        pending = grade.auto_score is None and grade.manual_score is None
        meta = cell.metadata.nbgrader
        meta["score"] = grade.score
        meta["points"] = grade.max_score
        meta["pending"] = pending
        meta["status"] = cell_status(grade.score, grade.max_score, pending)
