"""Releasing a homework so that every student sees their own numbers.

Conventions
-----------
* A problem varies when its folder's ``problem.yaml`` says ``variants: true``
  and the course's ``course.yaml`` has ``variants: true``
  (:func:`hwlib.course.varies`); a student's numbers are
  :func:`hwlib.course.params_for` (course secret, student id, problem), the
  same numbers the grader checks the student's answers against.
* Each student's statement of a varying problem is the folder's
  ``statement.md`` filled with that student's numbers
  (:func:`hwlib.problems.render.statement`). Nothing else of the notebook
  changes: answer cells, visible checks and hidden tests are nbgrader's
  release, so the grader (which takes only the answer cells of a submission)
  grades a per-student notebook exactly like the common one.
* Two ways to hand them out (``python -m hwlib release hwN``):

  - **exchange / JupyterHub** (one file for everyone, the default): after
    nbgrader's ``generate_assignment``, ``release/<hw>/`` gets
    ``hwlib_numbers.json`` (each roster student's statements, keyed by
    HMAC-SHA256 of the student id under a key derived from the course secret
    for this homework: the file names no student and holds no secret) and the
    helper ``hwlib_numbers.py``. In the notebook, the statement cell of each
    varying problem says to run the cell below, and that read-only cell
    (Jupyter's ``editable``/``deletable`` false, as nbgrader locks cells)
    shows the statement with the numbers of the student running it: the id is
    ``$HWLIB_STUDENT``, else ``$JUPYTERHUB_USER``, else the OS user name. An
    unknown id shows a message to ask the instructor, never someone's numbers;
    without the helper or its data file (a copy taken elsewhere, such as the
    site's download, which is in this form: :func:`exchange_cells`) the cell says
    that this copy has no per-student numbers (:data:`NO_NUMBERS`).
    ``nbgrader release_assignment`` then copies the folder to the exchange.
    Grading leaves this folder alone unless the source notebook's content
    changed since nbgrader generated it
    (:meth:`hwlib.grading.gradebook.Recorder.needs_release`); then it is
    generated again without the per-student cells, with a warning to run
    ``release`` again.
  - **LMS** (``--per-student OUTDIR``): ``OUTDIR/<student>/<hw>.ipynb`` with
    the student's statements written into the markdown and the student id in
    the notebook's metadata (``metadata.hwlib.student``).

* The roster: ``--students FILE`` (one id a line; ``#`` starts a comment) or
  else the students of the course's nbgrader gradebook.
* No release holds the course secret, an answer, or a student's numbers next
  to a name. (A student who knows another's id can find that student's
  numbers in the exchange file, as by asking them; their own answers still
  need their own numbers.)
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import hmac
import json
import re
import textwrap
from pathlib import Path

__all__ = ["DATA_FILE", "HELPER_FILE", "STUDENT_ENV", "NO_NUMBERS", "varying", "varying_when",
           "exchange_cells", "statements_for",
           "student_key", "read_roster", "exchange_release", "per_student_release",
           "register"]

DATA_FILE = "hwlib_numbers.json"
HELPER_FILE = "hwlib_numbers.py"
STUDENT_ENV = "HWLIB_STUDENT"
MARK = "hwlib"             # notebook / cell metadata key of this module
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}$")


# ------------------------------------------------------------------ what varies
def _homework(assignment: str, course_dir: Path):
    from .problems import homeworks

    directory = Path(course_dir) / "homeworks"
    found = homeworks.load(directory if directory.is_dir() else None)
    if assignment not in found:
        raise ValueError(f"assignment: no homework {assignment!r} (known: {', '.join(found)})")
    return found[assignment]


def varying(course, hw) -> list:
    """``[(folder, entry)]`` of the homework's problems that give each student their
    own numbers under these course settings (none when variants are off)."""
    return varying_when(course.variants, hw)


def varying_when(variants: bool, hw) -> list:
    """:func:`varying` from the course's ``variants`` flag alone (no secret needed:
    the site's download and the site's pages use it)."""
    from . import course as course_settings
    from .problems import folders

    if not variants:
        return []
    return [(folders()[e.slug], e) for e in hw.entries
            if course_settings.varies(folders()[e.slug].id)]


def _text(markdown: str) -> str:
    """A statement as the notebook builder writes it into a cell."""
    return textwrap.dedent(markdown).strip("\n")


def statements_for(course, hw, student: str) -> dict[str, str]:
    """{problem id: the statement with ``student``'s numbers} of the varying problems."""
    from . import course as course_settings
    from .problems.render import statement

    return {folder.id: _text(statement(folder, entry,
                                       course_settings.params_for(course, student, folder.id)))
            for folder, entry in varying(course, hw)}


def _release_key(course, assignment: str) -> bytes:
    """This homework's lookup key: derived from the course secret, never the secret."""
    return hmac.new(course.secret, f"hwlib-release-key:{assignment}".encode(),
                    hashlib.sha256).digest()


def student_key(key: bytes, student: str) -> str:
    """Where a student's statements are in the exchange file: HMAC-SHA256 of the id."""
    return hmac.new(key, student.strip().encode("utf-8"), hashlib.sha256).hexdigest()


# ------------------------------------------------------------------ the roster
def _check_id(student: str, where: str) -> str:
    if not _ID.match(student):
        raise ValueError(f"students: {where}: {student!r} is not a student id (letters, digits "
                         "and _ . @ + -, starting with a letter or digit)")
    return student


def read_roster(course_dir: Path, students_file: Path | None = None) -> list[str]:
    """Student ids from ``students_file`` (one a line, ``#`` comments), else from the
    course's nbgrader gradebook; ValueError naming ``students`` when there are none."""
    if students_file is not None:
        path = Path(students_file)
        ids = []
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = line.split("#", 1)[0].strip()
            if line:
                ids.append(_check_id(line, f"{path}:{n}"))
        where = str(path)
    else:
        from nbgrader.api import Gradebook

        from .grading.gradebook import Recorder

        recorder = Recorder(course_dir)
        try:
            with Gradebook(recorder.db_url) as gb:
                ids = [_check_id(s.id, "the gradebook") for s in gb.students]
        finally:
            recorder.close()
        where = "the course's nbgrader gradebook (add them with `nbgrader db student add`)"
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise ValueError(f"students: no student id in {where}")
    return ids


# ------------------------------------------------------------------ the notebook
def _release_notebook(course_dir: Path, assignment: str, notebook: str) -> Path:
    """nbgrader's release of the homework, generated when missing or stale."""
    from .grading.gradebook import Recorder

    recorder = Recorder(course_dir)
    try:
        if recorder.needs_release(assignment, notebook):
            recorder.generate_release(assignment)
        return recorder.release_path(assignment, notebook)
    finally:
        recorder.close()


def _plain(nb: dict, hw) -> dict:
    """The release as nbgrader wrote it: an earlier exchange release undone."""
    from .problems import folders
    from .problems.render import statement

    nb = copy.deepcopy(nb)
    entries = {folders()[e.slug].id: (folders()[e.slug], e) for e in hw.entries}
    cells = []
    for cell in nb["cells"]:
        mark = cell.get("metadata", {}).get(MARK, {})
        if mark.get("shows"):
            continue                                  # a display cell: dropped
        if mark.get("statement_of") in entries:
            folder, entry = entries[mark["statement_of"]]
            cell["source"] = _text(statement(folder, entry))
            cell["metadata"].pop(MARK)
        cells.append(cell)
    nb["cells"] = cells
    nb.get("metadata", {}).pop(MARK, None)
    return nb


def _statement_cells(nb: dict, problems: list) -> dict[str, int]:
    """{problem id: index of its statement cell (the defaults' statement)}."""
    from .problems.render import statement

    found = {}
    for folder, entry in problems:
        want = _text(statement(folder, entry))
        hits = [i for i, c in enumerate(nb["cells"])
                if c["cell_type"] == "markdown" and "".join(c["source"]) == want]
        if len(hits) != 1:
            raise ValueError(f"assignment: the release has no single statement cell of "
                             f"{folder.id} as the problem folder says; rebuild the notebooks "
                             f"(make assignments) and the release")
        found[folder.id] = hits[0]
    return found


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + [lines[-1]]


def _pointer(default_statement: str, entry) -> str:
    """The common statement cell of a varying problem: its heading and where to look."""
    heading = [line for line in default_statement.split("\n") if line.startswith("#")][:1]
    return "\n\n".join(heading + [
        f"**{entry.label} ({entry.points_text}).** Every student has their own numbers in "
        "this problem: **run the cell below** to see its statement with yours."])


NO_NUMBERS = ("This copy of the notebook has no per-student numbers (it is not the "
              "course's release for you: it has no hwlib_numbers files next to it). Take "
              "your notebook from the course's JupyterHub or LMS: there this cell shows the "
              "statement with your own numbers, the ones you are graded on.")

DISPLAY = '''# Shows {label} with your own numbers (a read-only cell: run it).
try:
    from hwlib_numbers import show  # released next to this notebook
except ImportError:
    print({no_numbers})
else:
    show("{pid}")'''


def _quoted(text: str, indent: int) -> str:
    """``text`` as adjacent double-quoted literals of at most ~80 columns (no quotes in it)."""
    parts = textwrap.wrap(text, 72 - indent, drop_whitespace=False)
    return ("\n" + " " * indent).join(f'"{part}"' for part in parts)


def exchange_cells(nb: dict, problems: list) -> dict:
    """``nb`` (a plain release: the defaults' statements) in the exchange form: the
    statement cell of each varying problem of ``problems`` (``[(folder, entry)]``)
    says to run the read-only cell inserted after it, which shows the statement with
    the numbers of the student running it (or, where no numbers were released with
    the notebook, :data:`NO_NUMBERS`). Changes ``nb`` in place and returns it."""
    where = _statement_cells(nb, problems)
    for folder, entry in sorted(problems, key=lambda p: -where[p[0].id]):
        i = where[folder.id]
        cell = nb["cells"][i]
        cell["source"] = _lines(_pointer("".join(cell["source"]), entry))
        cell.setdefault("metadata", {})[MARK] = {"statement_of": folder.id}
        nb["cells"].insert(i + 1, {
            "cell_type": "code", "execution_count": None, "outputs": [],
            "metadata": {"editable": False, "deletable": False, MARK: {"shows": folder.id}},
            "source": _lines(DISPLAY.format(label=entry.label, pid=folder.id,
                                            no_numbers=_quoted(NO_NUMBERS, 10)))})
    return nb


def _opened(course_dir, assignment: str, course):
    """(settings, homework, release notebook path, its plain JSON, varying problems):
    what both release paths start from (nbgrader's release is made when missing)."""
    from . import course as course_settings
    from .grading.scoring import load_manifest

    course_dir = Path(course_dir).resolve()
    course = course or course_settings.settings(course_dir)
    hw = _homework(assignment, course_dir)
    notebook = load_manifest(course_dir)[assignment].notebook
    path = _release_notebook(course_dir, assignment, notebook)
    nb = _plain(json.loads(path.read_text(encoding="utf-8")), hw)
    return course, hw, path, nb, varying(course, hw)


def exchange_release(course_dir, assignment: str, students: list[str], course=None) -> Path:
    """The one release for everyone (exchange / JupyterHub): see the module doc.
    Returns the release folder."""
    course, hw, path, nb, problems = _opened(course_dir, assignment, course)
    exchange_cells(nb, problems)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    data, helper = path.with_name(DATA_FILE), path.with_name(HELPER_FILE)
    if not problems:
        data.unlink(missing_ok=True)
        helper.unlink(missing_ok=True)
        return path.parent
    key = _release_key(course, assignment)
    table = {student_key(key, s): statements_for(course, hw, s) for s in students}
    data.write_text(json.dumps({"assignment": assignment, "key": key.hex(),
                                "lookup": "hmac-sha256(key, student id)",
                                "statements": dict(sorted(table.items()))},
                               indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    helper.write_text(HELPER.replace("{no_numbers!r}", repr(NO_NUMBERS)), encoding="utf-8")
    return path.parent


def per_student_release(course_dir, assignment: str, students: list[str], outdir,
                        course=None) -> list[Path]:
    """``outdir/<student>/<notebook>`` for each student (LMS): the student's numbers in
    the statements and their id in the metadata. Returns the files written."""
    course, hw, path, base, problems = _opened(course_dir, assignment, course)
    where = _statement_cells(base, problems)
    written = []
    for student in students:
        _check_id(student, "the roster")
        nb = copy.deepcopy(base)
        for pid, text in statements_for(course, hw, student).items():
            nb["cells"][where[pid]]["source"] = _lines(text)
        nb.setdefault("metadata", {})[MARK] = {"student": student, "assignment": assignment}
        out = Path(outdir) / student / path.name   # the manifest notebook name
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(out)
    return written


HELPER = '''"""Shows a problem's statement with your own numbers (released with the notebook).

Your id is $HWLIB_STUDENT, else $JUPYTERHUB_USER, else your user name on this
machine; the statements are in hwlib_numbers.json, next to this file.
"""
import getpass
import hashlib
import hmac
import json
import os
from pathlib import Path

DATA = Path(__file__).with_name("hwlib_numbers.json")
NO_NUMBERS = {no_numbers!r}


def student():
    """The id of the student running the notebook ("" when unknown)."""
    for name in ("HWLIB_STUDENT", "JUPYTERHUB_USER"):
        if os.environ.get(name, "").strip():
            return os.environ[name].strip()
    try:
        return getpass.getuser().strip()
    except Exception:
        return ""


def statement(problem_id, who=None):
    """(the statement with your numbers, None) or (None, why it cannot be shown)."""
    who = student() if who is None else who
    try:
        data = json.loads(DATA.read_text(encoding="utf-8"))
    except OSError:
        return None, NO_NUMBERS
    except ValueError:
        return None, (f"{DATA.name} is unreadable: open this notebook in the folder it was "
                      "released in, or ask the instructor for your numbers.")
    key = hmac.new(bytes.fromhex(data["key"]), who.encode("utf-8"), hashlib.sha256).hexdigest()
    mine = data["statements"].get(key) if who else None
    if mine is None or problem_id not in mine:
        return None, (f"No numbers were released for the student id {who!r}. Ask the "
                      "instructor for your numbers (or set HWLIB_STUDENT to your course id "
                      "and run this cell again). Do not work another student's numbers: "
                      "your answers are graded on yours.")
    return mine[problem_id], None


def show(problem_id):
    """Display the statement of problem_id with your numbers (or why it cannot be)."""
    text, why = statement(problem_id)
    if text is None:
        print(why)
        return
    try:
        from IPython.display import Markdown, display
    except ImportError:
        print(text)
    else:
        display(Markdown(text))
'''


# ------------------------------------------------------------------ command line
def cmd_release(args: argparse.Namespace) -> int:
    course_dir = Path(args.course)
    if not (course_dir / "manifest.json").is_file():
        raise ValueError(f"--course: {course_dir} is not a course directory (no manifest.json)")
    students = read_roster(course_dir, Path(args.students) if args.students else None)
    if args.per_student:
        written = per_student_release(course_dir, args.assignment, students, args.per_student)
        print(f"{len(written)} notebook(s) written under {args.per_student}/<student>/")
        return 0
    folder = exchange_release(course_dir, args.assignment, students)
    print(f"{folder}: the release for {len(students)} student(s); hand it out with "
          f"`nbgrader release_assignment {args.assignment}`")
    return 0


def register(subparsers) -> None:
    """Add ``release`` to the ``python -m hwlib`` sub-commands."""
    p = subparsers.add_parser(
        "release", help="release a homework with each student's own numbers",
        description="Exchange/JupyterHub release (one notebook that shows each student "
                    "their numbers) or, with --per-student, one notebook per student.")
    p.add_argument("assignment", help="assignment id, e.g. hw2")
    p.add_argument("--course", default="assignments",
                   help="nbgrader course directory (default: %(default)s)")
    p.add_argument("--students", default=None, metavar="FILE",
                   help="roster: one student id a line (default: the gradebook's students)")
    p.add_argument("--per-student", default=None, metavar="OUTDIR",
                   help="write OUTDIR/<student>/<notebook> with the numbers in the markdown "
                        "(for an LMS) instead of the exchange release")
    p.set_defaults(func=cmd_release)
