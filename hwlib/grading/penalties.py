"""Late penalties: read them, and re-apply them after a due date moved, without regrading.

Conventions
-----------
* nbgrader computes a submission's late penalty at autograde
  (``AssignLatePenalties``): from the submission's timestamp, the assignment's
  due date in the gradebook (plus the student's extension) and the course's
  ``LateSubmissionPlugin`` (``c.LateSubmissionPlugin.penalty_method`` in
  ``nbgrader_config.py``). The penalty is stored per submitted notebook.
* :func:`reapply` runs nbgrader's same computation on the recorded scores for
  every submission of an assignment, with the due date the gradebook has now:
  it changes penalties only, never a score, and runs no sandbox.
"""
from __future__ import annotations

import logging

from nbgrader.api import Gradebook, MissingEntry

log = logging.getLogger(__name__)


def duedate(db_url: str, assignment: str) -> str | None:
    """The assignment's due date in the gradebook (ISO 8601), None when it has none."""
    with Gradebook(db_url) as gb:
        try:
            found = gb.find_assignment(assignment).duedate
        except MissingEntry:
            return None
    return found.isoformat() if found is not None else None


def penalties(db_url: str, assignment: str) -> dict[str, float]:
    """Student -> nbgrader's late penalty of their submission (0.0: none)."""
    with Gradebook(db_url) as gb:
        try:
            subs = gb.assignment_submissions(assignment)
        except MissingEntry:
            return {}
        return {s.student.id: float(sum(nb.late_submission_penalty or 0.0 for nb in s.notebooks))
                for s in subs}


def reapply(config, db_url: str, assignment: str) -> dict[str, tuple[float, float]]:
    """Recompute every submission's late penalty from its timestamp and the current due date.

    config: the course's nbgrader config (its ``LateSubmissionPlugin``). Returns
    student -> (old penalty, new penalty) for every submission; only
    ``late_submission_penalty`` of the submitted notebooks is written.
    """
    from nbgrader.preprocessors import AssignLatePenalties

    assigner = AssignLatePenalties(config=config)
    assigner.init_plugin()
    changed = {}
    with Gradebook(db_url) as gb:
        try:
            subs = gb.assignment_submissions(assignment)
        except MissingEntry:
            return {}
        for sub in subs:
            old = new = 0.0
            late = sub.total_seconds_late
            for nb in sub.notebooks:
                old += nb.late_submission_penalty or 0.0
                penalty = None
                if late > 0:
                    penalty = assigner.plugin_inst.late_submission_penalty(
                        sub.student.id, nb.score, late)
                    if penalty is not None:
                        penalty = assigner._check_late_penalty(nb, penalty)
                nb.late_submission_penalty = penalty
                new += penalty or 0.0
            changed[sub.student.id] = (old, new)
        gb.db.commit()
    return changed
