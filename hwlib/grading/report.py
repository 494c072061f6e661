"""What one grading run prints: :class:`GradeReport` and its table.

Conventions
-----------
* Problems are keyed by their manifest id (``hw2.q2c``) everywhere in the data;
  the printed table heads each column with the label students see (``2(c)``,
  :attr:`GradeReport.labels`), the id when a problem has none.
* Points are as recorded in nbgrader's gradebook; ``None`` is a problem waiting
  for the instructor (manual, or left ungraded by the grader), never a zero.
* A late penalty is nbgrader's (``late_submission_penalty`` of the submission,
  from its timestamp and the due date); the table shows the ``late`` and
  ``final`` (total minus penalty) columns only when some student has one.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .scoring import POINT_DIGITS


@dataclass
class GradeReport:
    """Result of grading one assignment.

    scores[student][problem_id]: points (None: manual problem not graded yet).
    messages[student][problem_id]: feedback lines (checker output).
    total[student]: sum of the recorded points.
    max_points[problem_id]: points available.
    labels[problem_id]: the label students see (``2(c)``); absent: the id.
    penalty[student]: nbgrader's late penalty (absent or 0: none).
    regraded: students graded in this run (the rest were already done).
    regraded_problems: the problems graded in this run (None: all of them).
    notes[student]: what was wrong with that submission's files, or what its
        answers cost the grader, in this run (also in its feedback).
    faults[student]: a GRADER failure on that submission (not the student's
        doing): nothing was recorded for it, a rerun tries again.
    """

    assignment: str
    problems: list[str]
    max_points: dict[str, float]
    scores: dict[str, dict[str, float | None]] = field(default_factory=dict)
    messages: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    total: dict[str, float] = field(default_factory=dict)
    regraded: list[str] = field(default_factory=list)
    seed: int | None = None
    notes: dict[str, list[str]] = field(default_factory=dict)
    faults: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    penalty: dict[str, float] = field(default_factory=dict)
    regraded_problems: list[str] | None = None

    def label(self, problem_id: str) -> str:
        """The label students see of ``problem_id`` (its id when it has none)."""
        return self.labels.get(problem_id) or problem_id

    def final(self, student: str) -> float:
        """The student's total after nbgrader's late penalty."""
        return round(self.total[student] - (self.penalty.get(student) or 0.0), POINT_DIGITS)

    def table(self) -> str:
        """Per-student, per-problem points as a plain-text table (labels as heads)."""
        late = any(self.penalty.get(s) for s in self.scores)
        head = ["student", *[self.label(p) for p in self.problems], "total"]
        head += ["late", "final"] if late else []
        most = sum(self.max_points.values())
        rows = [head, ["(max)", *[f"{self.max_points[p]:g}" for p in self.problems],
                       f"{most:g}", *(["", f"{most:g}"] if late else [])]]
        for student in sorted(self.scores):
            cells = [student]
            for pid in self.problems:
                value = self.scores[student].get(pid)
                cells.append("manual" if value is None else f"{value:g}")
            cells.append(f"{self.total[student]:g}")
            if late:
                penalty = self.penalty.get(student) or 0.0
                cells += [f"-{penalty:g}" if penalty else "", f"{self.final(student):g}"]
            rows.append(cells)
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                           for i, (c, w) in enumerate(zip(r, widths))) for r in rows]
        lines.insert(1, "-" * len(lines[0]))
        return f"{self.assignment}\n" + "\n".join(lines) + self.summary()

    def summary(self) -> str:
        """Notes on single submissions (files ignored, budgets hit), late penalties and
        grader faults, one line each; empty when there are none."""
        out = []
        for student in sorted(self.notes):
            out += [f"  {student}: {note}" for note in self.notes[student]]
        if out:
            out.insert(0, "\nnotes on single submissions (also in their feedback):")
        late = {s: p for s, p in sorted(self.penalty.items()) if p and s in self.scores}
        if late:
            out.append("\nlate penalties (nbgrader's, from the submission time and the due date):")
            out += [f"  {s}: -{p:g} (total {self.total[s]:g}, final {self.final(s):g})"
                    for s, p in late.items()]
        if self.regraded_problems is not None:
            out.append("\nregraded only " + ", ".join(self.label(p) for p in self.regraded_problems)
                       + "; the other problems keep their recorded grades")
        if self.faults:
            out.append("\nGRADER FAULTS (not recorded; fix and rerun, they are not students' zeros):")
            out += [f"  {student}: {msg}" for student, msg in sorted(self.faults.items())]
        return "\n".join(out)
