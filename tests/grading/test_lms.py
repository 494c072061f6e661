"""LMS exports: Canvas's and Moodle's grade-import CSV from nbgrader's gradebook.

The gradebook is built with nbgrader's own API (two homeworks, three
students: one late, one with a manual grade pending, one who skipped hw2), so
every expected cell below is worked out by hand from those entries.
"""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from hwlib.grading import gradebook, lms

gradebook._speed_up_nbgrader()   # nbgrader's schema check without an `alembic` process

# The documented headers, written out here independently of hwlib.grading.lms:
# Canvas's gradebook export/import starts with these five columns and has a
# "Points Possible" row; Moodle's CSV import identifies users by one of its user
# fields and names grade items as its own export does ("<item> (Real)").
CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_HEADER = ["First name", "Last name", "ID number", "Email address"]


@pytest.fixture
def course(tmp_path) -> Path:
    db = tmp_path / "gradebook.db"
    with Gradebook(f"sqlite:///{db}") as gb:
        for hw, cells in {"hw1": [("hw1_p1_test", 2.0, "code"), ("hw1_p2_answer", 3.0, "markdown")],
                          "hw2": [("hw2_q1_test", 4.0, "code")]}.items():
            gb.add_assignment(hw, duedate=datetime(2026, 10, 1))
            gb.add_notebook(hw, hw)
            for name, points, kind in cells:
                gb.add_grade_cell(name, hw, hw, max_score=points, cell_type=kind)
        gb.add_student("ada", first_name="Ada", last_name="Lovelace", email="ada@uni.edu",
                       lms_user_id="1001")
        gb.add_student("bob", first_name="Bob", last_name="Byte", email="bob@uni.edu")
        gb.add_student("cy")
        scores = {("ada", "hw1"): {"hw1_p1_test": (2.0, None), "hw1_p2_answer": (None, 2.5)},
                  ("ada", "hw2"): {"hw2_q1_test": (3.0, None)},
                  ("bob", "hw1"): {"hw1_p1_test": (1.5, None), "hw1_p2_answer": (None, None)},
                  ("bob", "hw2"): {"hw2_q1_test": (4.0, None)},
                  ("cy", "hw1"): {"hw1_p1_test": (0.5, None), "hw1_p2_answer": (None, 3.0)}}
        for (student, hw), cells in scores.items():
            gb.add_submission(hw, student, timestamp=datetime(2026, 10, 1))
            for cell, (auto, manual) in cells.items():
                grade = gb.find_grade(cell, hw, hw, student)
                grade.auto_score, grade.manual_score = auto, manual
            gb.db.commit()
        late = gb.find_submission("hw2", "ada").notebooks[0]
        late.late_submission_penalty = 1.0          # ada's hw2 came in late: -1 point
        gb.db.commit()
    (tmp_path / "manifest.json").write_text(json.dumps({"assignments": {
        "hw1": {"notebook": "hw1.ipynb", "problems": [
            {"id": "hw1.p1", "label": "1", "test_cell": "hw1_p1_test", "answer_cell": "a"},
            {"id": "hw1.p2", "label": "2", "test_cell": None, "answer_cell": "hw1_p2_answer"}]},
        "hw2": {"notebook": "hw2.ipynb", "problems": [
            {"id": "hw2.q1", "label": "1(a)", "test_cell": "hw2_q1_test", "answer_cell": "b"}]}}}))
    return tmp_path


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_canvas_totals_after_late_penalty(course):
    """Does the Canvas CSV have Canvas's header, a Points Possible row and one
    row per student with homework totals after late penalty (empty when not
    submitted)?"""
    sheet = lms.collect(f"sqlite:///{course / 'gradebook.db'}", course)
    table = rows(lms.to_canvas(sheet))
    assert table[0] == CANVAS_HEADER + ["hw1", "hw2"]
    assert table[1] == ["Points Possible", "", "", "", "", "5", "4"]
    assert table[2:] == [["Lovelace, Ada", "1001", "ada", "ada", "", "4.5", "2"],
                         ["Byte, Bob", "", "bob", "bob", "", "1.5", "4"],
                         ["cy", "", "cy", "cy", "", "3.5", ""]]


def test_moodle_per_problem_columns(course):
    """Does the Moodle CSV name its columns like Moodle's grade items, use the
    manifest's labels per problem and leave a pending manual grade empty?"""
    sheet = lms.collect(f"sqlite:///{course / 'gradebook.db'}", course, per_problem=True)
    table = rows(lms.to_moodle(sheet))
    assert table[0] == MOODLE_HEADER + ["hw1 (Real)", "hw2 (Real)", "hw1 1 (Real)",
                                        "hw1 2 (Real)", "hw2 1(a) (Real)"]
    assert table[1:] == [["Ada", "Lovelace", "ada", "ada@uni.edu", "4.5", "2", "2", "2.5", "3"],
                         ["Bob", "Byte", "bob", "bob@uni.edu", "1.5", "4", "1.5", "", "4"],
                         ["", "", "cy", "", "3.5", "", "0.5", "3", ""]]
    assert sheet.pending == {"bob": ["hw1 2"]}


def test_export_cli_writes_the_file_and_names_pending(course):
    """Does `python -m hwlib export canvas` write grades-canvas.csv in the course
    and tell the instructor whose manual grades are pending?"""
    proc = subprocess.run([sys.executable, "-m", "hwlib", "export", "canvas", "--course", str(course),
                           "--assignment", "hw1"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    table = rows((course / "grades-canvas.csv").read_text())
    assert table[0] == CANVAS_HEADER + ["hw1"] and len(table) == 5
    assert "bob has manual grades pending (hw1 hw1_p2_answer)" in proc.stderr


def test_export_cli_rejects_an_unknown_homework(course):
    """Does asking for a homework the gradebook lacks exit 2 with the known ones?"""
    proc = subprocess.run([sys.executable, "-m", "hwlib", "export", "moodle", "--course", str(course),
                           "--assignment", "hw9"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "no assignment hw9" in proc.stderr and "hw1, hw2" in proc.stderr
