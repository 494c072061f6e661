"""nbgrader integration: release, record sandbox results, feedback, export.

Everything here runs in the ONE writer process. It drives nbgrader's own
converters in-process:

- ``GenerateAssignment`` builds ``release/`` and the gradebook's source cells.
- :class:`SandboxAutograde` is nbgrader's ``Autograde`` with two changes: it
  sanitizes the notebook rebuilt from the submission's answer cells (not the
  raw file), and its autograde stage fills each hidden-test cell's outputs
  from the sandbox results (:class:`FillSandboxResults`) instead of executing
  the notebook. nbgrader's ``OverwriteCells``, ``SaveAutoGrades`` etc. then
  do the bookkeeping exactly as for plain ``nbgrader autograde``: the printed
  checker lines are a stdout stream, the partial score is the cell's
  ``execute_result``, which nbgrader reads as partial credit.
- ``GenerateFeedback`` with ``ClearHiddenTests`` (hidden test source removed)
  and :class:`HideTestTracebacks` (no traceback line from a test cell), on an
  HTML template that loads nothing from a CDN, with every rendered markdown
  cell sanitised by ``nh3`` (:mod:`hwlib.grading.feedback_html`).
- ``CsvExportPlugin`` writes ``grades.csv``.

Speed-ups of nbgrader's internals (each measured to matter, none changes
what is recorded): the alembic schema revision is read in-process instead of
from an ``alembic heads`` subprocess (~6 s per new gradebook); SQLAlchemy
engines are shared per gradebook so their statement cache survives nbgrader's
frequent reopening; exporters are built once per run; SQLite runs in WAL mode
without an fsync per commit during a run.
"""
from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import sqlite3
import sys
import warnings
from pathlib import Path

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbconvert.writers import FilesWriter
from nbformat.v4 import new_output
from sqlalchemy import create_engine as _create_engine
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SAWarning
from traitlets.config import Config, PyFileConfigLoader
from traitlets.config.loader import ConfigFileNotFound

from nbgrader import api as nbgrader_api
from nbgrader import utils as nbutils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde, GenerateAssignment, GenerateFeedback
from nbgrader.coursedir import CourseDirectory
from nbgrader.plugins import CsvExportPlugin
from nbgrader.preprocessors import (AssignLatePenalties, ClearHiddenTests,
                                    ClearOutput, DeduplicateIds, LimitOutput,
                                    NbGraderPreprocessor, OverwriteCells, OverwriteKernelspec,
                                    SaveAutoGrades)
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor

from .feedback_page import GetFeedbackGrades

log = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).with_name("templates")
NBGRADER_TEMPLATES = Path(nbutils.__file__).parent / "server_extensions" / "formgrader" / "templates"
RESULTS_KEY = "hwlib_sandbox_results"


class TolerantCourseDirectory(CourseDirectory):
    """nbgrader's CourseDirectory whose submission timestamp never raises.

    nbgrader reads ``timestamp.txt`` of a submission before grading it and
    raises on a malformed one, which stopped the whole run. Here a bad file
    means "no timestamp" (the worker notes it in that student's feedback and
    in the run summary, :func:`hwlib.grading.notebook.read_timestamp`).
    """

    def get_existing_timestamp(self, dest_path):
        from .notebook import read_timestamp

        return read_timestamp(Path(dest_path))[0]


class FillSandboxResults(NbGraderPreprocessor):
    """Write each hidden-test cell's outputs from results computed in the sandbox.

    ``resources[RESULTS_KEY]`` maps a test cell's grade_id to
    ``(points, [message, ...])``. A graded test cell without a result (not in
    the manifest) gets 0 points and says so, so an unexecuted cell can never
    count as passed. Other code cells keep no output: nothing is executed here.
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        cell.outputs = []
        cell.execution_count = None
        if nbutils.is_grade(cell) and not nbutils.is_solution(cell):
            grade_id = cell.metadata.nbgrader["grade_id"]
            points, lines = resources[RESULTS_KEY].get(
                grade_id, (0.0, ["this test cell is not in the grading manifest: 0 points"]))
            text = "".join(f"{line}\n" for line in lines) or "(no checks)\n"
            cell.outputs = [new_output("stream", name="stdout", text=text)]
            if points is not None:  # None: not graded here (SaveSandboxGrades leaves it pending)
                cell.outputs.append(new_output("execute_result", execution_count=index,
                                               data={"text/plain": repr(float(points))}))
            cell.execution_count = index
        return cell, resources


class SaveSandboxGrades(SaveAutoGrades):
    """SaveAutoGrades, except that a result of ``None`` points (the grader could not
    score the problem here: no torch, no data set) records no score and flags the
    cell for the instructor's review, instead of 0 (or nbgrader's full credit)."""

    def _add_score(self, cell, resources):
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        if resources[RESULTS_KEY].get(grade_id, (0.0, None))[0] is not None:
            return super()._add_score(cell, resources)
        grade = self.gradebook.find_grade(grade_id, self.notebook_id, self.assignment_id,
                                          self.student_id)
        grade.auto_score = None
        grade.needs_manual_grade = True
        self.gradebook.db.commit()


class HideTestTracebacks(NbGraderPreprocessor):
    """Feedback: keep only ``Type: message`` of errors raised in grade cells.

    For notebooks autograded by plain nbgrader, whose hidden tests ran in the
    kernel: a traceback would quote the hidden test's lines.
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and nbutils.is_grade(cell):
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources


class _ReusedExporter:
    """Converter mixin: build the exporter once, not on every start().

    nbgrader builds them per run; the HTML exporter then recompiles its Jinja
    templates each time (~1 s), which dominated the per-submission cost.
    """

    _ready = False

    def start(self) -> None:
        self.init_notebooks()
        self.writer = FilesWriter(parent=self, config=self.config)
        if not self._ready:
            self.exporter = self.exporter_class(parent=self, config=self.config)
            for pp in self.preprocessors:
                self.exporter.register_preprocessor(pp)
            self._ready = True
        here = os.getcwd()
        os.chdir(self.coursedir.root)
        try:
            self.convert_notebooks()
        finally:
            os.chdir(here)


class SandboxFeedback(_ReusedExporter, GenerateFeedback):
    """nbgrader GenerateFeedback, reusable across students (one template compile)."""


class SandboxAutograde(_ReusedExporter, Autograde):
    """nbgrader Autograde that records sandbox results instead of executing.

    Set :attr:`canonical` (the rebuilt notebook) and :attr:`results` (test
    cell grade_id -> (points, messages)) before :meth:`start`, with
    ``coursedir.student_id`` and ``coursedir.assignment_id`` naming one
    submission.
    """

    # no CheckCellMetadata: the notebook is rebuilt from the release, so its
    # metadata is the instructor's, not the student's
    sanitize_preprocessors = [ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells]
    autograde_preprocessors = [FillSandboxResults, ClearMetadataPreprocessor, LimitOutput,
                               SaveSandboxGrades, AssignLatePenalties]

    canonical = None
    results: dict = {}
    notebook_name = ""

    def init_notebooks(self) -> None:
        """One notebook per submission, whether or not the file exists (a missing
        or unreadable file is graded as the release, i.e. zero)."""
        folder = self._format_source(self.coursedir.assignment_id, self.coursedir.student_id)
        self.assignments = {folder: [os.path.join(folder, self.notebook_name)]}
        self.notebooks = []

    def init_single_notebook_resources(self, notebook_filename):
        resources = super().init_single_notebook_resources(notebook_filename)
        resources[RESULTS_KEY] = self.results
        return resources

    def convert_single_notebook(self, notebook_filename: str) -> None:
        self._sanitizing = True
        self._init_preprocessors()
        resources = self.init_single_notebook_resources(notebook_filename)
        output, resources = self.exporter.from_notebook_node(self.canonical, resources=resources)
        self.write_single_notebook(output, resources)
        graded = os.path.join(self.writer.build_directory, os.path.basename(notebook_filename))
        self._sanitizing = False
        self._init_preprocessors()
        try:
            resources = self.init_single_notebook_resources(graded)
            output, resources = self.exporter.from_filename(graded, resources=resources)
            self.write_single_notebook(output, resources)
        finally:
            self._sanitizing = True


def load_config(course_dir: Path) -> Config:
    """nbgrader's config for the course: its nbgrader_config.py plus the settings
    the engine relies on (root, offline feedback template, hidden-test removal)."""
    course_dir = Path(course_dir).resolve()
    config = Config()
    try:
        config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config())
    except ConfigFileNotFound:
        pass
    config.CourseDirectory.root = str(course_dir)
    db_url = config.CourseDirectory.get("db_url", "")
    if not db_url or db_url.startswith("sqlite:///") and not db_url.startswith("sqlite:////"):
        # nbgrader opens a relative SQLite path from the current directory
        name = db_url[len("sqlite:///"):] or "gradebook.db"
        config.CourseDirectory.db_url = f"sqlite:///{course_dir / name}"
    config.HTMLExporter.template_name = "feedback_offline"
    config.HTMLExporter.template_file = "offline.html.j2"
    config.HTMLExporter.extra_template_basedirs = [str(NBGRADER_TEMPLATES), str(TEMPLATE_DIR)]
    # rendered markdown (student answers included) is sanitised: no script, no network
    config.GenerateFeedback.exporter_class = "hwlib.grading.feedback_html.SafeFeedbackExporter"
    config.GenerateFeedback.preprocessors = [GetFeedbackGrades, CSSHTMLHeaderPreprocessor,
                                             ClearHiddenTests, HideTestTracebacks]
    config.Exporter.default_preprocessors = []
    return config


@functools.lru_cache(maxsize=1)
def _alembic_head() -> str:
    """The gradebook schema's alembic revision, read in-process.

    nbgrader asks a fresh ``alembic heads`` process for it whenever it creates
    a gradebook (~6 s here); the answer is a constant of the installed nbgrader.
    """
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory(str(Path(nbgrader_api.__file__).parent / "alembic")).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"nbgrader's migrations have {len(heads)} heads")
    return heads[0]


_ENGINES: dict = {}


def _shared_engine(url, *args, **kwargs):
    """nbgrader's create_engine, memoized per URL and process.

    nbgrader opens a new Gradebook (so a new SQLAlchemy engine, with an empty
    statement cache) about ten times per recorded submission; recompiling the
    same queries each time doubled the recording time. Closing a Gradebook
    disposes the engine's pool; the engine and its cache stay reusable.
    """
    key = (str(url), os.getpid())
    if key not in _ENGINES:
        _ENGINES[key] = _create_engine(url, *args, **kwargs)
    return _ENGINES[key]


def _speed_up_nbgrader() -> None:
    """Point nbgrader's gradebook at :func:`_alembic_head` and :func:`_shared_engine`."""
    try:
        _alembic_head()
    except Exception:  # keep nbgrader's own (slow) way if alembic changed
        return
    nbgrader_api.get_alembic_version = _alembic_head
    nbgrader_api.create_engine = _shared_engine


def _sqlite_path(db_url: str) -> str | None:
    return db_url[len("sqlite:///"):] if db_url.startswith("sqlite:///") else None


def _fast_commits(gradebook_path: str):
    """SQLAlchemy connect hook: write-ahead log and no fsync per commit for the
    course's gradebook. nbgrader commits once per cell; with fsync that was
    most of the time spent recording. A killed process loses no committed
    grade (the log is on disk); only a power cut could drop the last ones."""
    target = os.path.realpath(gradebook_path)

    def on_connect(dbapi_connection, record):
        try:
            rows = dbapi_connection.execute("PRAGMA database_list").fetchall()
        except Exception:  # not sqlite3
            return
        if any(row[2] and os.path.realpath(row[2]) == target for row in rows):
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            dbapi_connection.execute("PRAGMA synchronous=NORMAL")

    return on_connect


class Recorder:
    """The single writer: nbgrader's converters on one course directory."""

    def __init__(self, course_dir: Path):
        self.course_dir = Path(course_dir).resolve()
        self.config = load_config(self.course_dir)
        self.coursedir = TolerantCourseDirectory(config=self.config)
        self._converters: dict = {}
        self._quiet()
        self._alembic_on_path()
        _speed_up_nbgrader()
        self._hook = None
        path = _sqlite_path(self.db_url)
        if path:
            self._hook = _fast_commits(path)
            event.listen(Engine, "connect", self._hook)

    def close(self) -> None:
        """Fold the write-ahead log back into gradebook.db (one plain file again)."""
        if self._hook is not None:
            event.remove(Engine, "connect", self._hook)
            self._hook = None
        path = _sqlite_path(self.db_url)
        if path and os.path.exists(path):
            con = sqlite3.connect(path)
            try:
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                con.execute("PRAGMA journal_mode=DELETE")
            finally:
                con.close()

    @staticmethod
    def _alembic_on_path():
        """nbgrader runs the ``alembic`` command when it creates a gradebook; it
        lives next to this interpreter, which may not be on PATH (venv not activated)."""
        bindir = os.path.dirname(sys.executable)
        path = os.environ.get("PATH", "")
        if bindir not in path.split(os.pathsep):
            os.environ["PATH"] = bindir + os.pathsep + path if path else bindir

    @staticmethod
    def _quiet():
        """nbgrader logs every file copy at INFO; keep warnings only."""
        for name in ("traitlets", "nbgrader"):
            logging.getLogger(name).setLevel(logging.WARNING)

    def _converter(self, cls, assignment: str, student: str = "*"):
        """A converter for one assignment/student; reusable ones are kept."""
        self.coursedir.assignment_id = assignment
        self.coursedir.student_id = student
        conv = self._converters.get(cls)
        if conv is None:
            conv = cls(coursedir=self.coursedir, config=self.config)
            conv.log.setLevel(logging.ERROR)  # nbgrader warns about every restored cell
            if issubclass(cls, _ReusedExporter):
                self._converters[cls] = conv
        return conv

    @property
    def db_url(self) -> str:
        return self.coursedir.db_url

    def release_path(self, assignment: str, notebook: str) -> Path:
        return self.course_dir / self.coursedir.release_directory / assignment / notebook

    def _stamp(self, assignment: str) -> Path:
        """Where generate_release records the sources it released (``.grading/``)."""
        from .submissions import STATE_DIR

        return self.course_dir / STATE_DIR / f"release-{assignment}.json"

    def _sources(self, assignment: str) -> dict[str, str]:
        """{notebook: SHA-256 of its source} of one assignment."""
        folder = self.course_dir / self.coursedir.source_directory / assignment
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.glob("*.ipynb"))}

    def needs_release(self, assignment: str, notebook: str) -> bool:
        """True when release/ is missing, or its source changed since it was generated,
        or the gradebook does not know the notebook yet.

        "Changed" is by content: generate_release records the SHA-256 of each source
        notebook it released, so a source whose time stamp moves (a copy, a checkout)
        without a change does not regenerate the release, which would drop what
        ``python -m hwlib release`` added to it (hwlib.release). A release generated
        before such a record (or by plain nbgrader) is compared by time stamps.
        """
        release = self.release_path(assignment, notebook)
        source = self.course_dir / self.coursedir.source_directory / assignment / notebook
        if not source.is_file():
            raise ValueError(f"no source notebook {source}")
        if not release.is_file():
            return True
        try:
            recorded = json.loads(self._stamp(assignment).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            recorded = None
        if isinstance(recorded, dict) and isinstance(recorded.get("sources"), dict):
            digest = hashlib.sha256(source.read_bytes()).hexdigest()
            if recorded["sources"].get(notebook) != digest:
                return True
        elif release.stat().st_mtime < source.stat().st_mtime:
            return True
        with Gradebook(self.db_url) as gb:
            try:
                gb.find_notebook(Path(notebook).stem, assignment)
            except MissingEntry:
                return True
        return False

    def generate_release(self, assignment: str) -> None:
        """``nbgrader generate_assignment ASSIGNMENT --force`` (creates it in the gradebook),
        recording the sources released (:meth:`needs_release`). It replaces the whole
        release folder: an exchange release of ``python -m hwlib release`` there is
        dropped, with a warning to run that again."""
        from ..release import DATA_FILE

        folder = self.course_dir / self.coursedir.release_directory / assignment
        exchange = (folder / DATA_FILE).is_file()
        sources = self._sources(assignment)
        conv = self._converter(GenerateAssignment, assignment)
        conv.force = True
        conv.create_assignment = True
        conv.start()
        stamp = self._stamp(assignment)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(json.dumps({"sources": sources}, indent=1) + "\n", encoding="utf-8")
        if exchange:
            log.warning("%s: its source changed, so the release was generated again, without "
                        "each student's numbers: run `python -m hwlib release %s` again before "
                        "`nbgrader release_assignment %s`", folder, assignment, assignment)

    def record(self, assignment: str, student: str, notebook: str, canonical,
               results: dict) -> None:
        """Autograde one submission from its sandbox results into the gradebook."""
        conv = self._converter(SandboxAutograde, assignment, student)
        conv.force = True
        conv.canonical = canonical
        conv.results = results
        conv.notebook_name = notebook
        with warnings.catch_warnings():
            # nbgrader's submission bookkeeping trips SQLAlchemy autoflush warnings
            warnings.simplefilter("ignore", SAWarning)
            conv.start()

    def feedback(self, assignment: str, student: str) -> None:
        """``nbgrader generate_feedback`` for one student."""
        conv = self._converter(SandboxFeedback, assignment, student)
        conv.force = True
        conv.start()

    def export(self, path: Path) -> None:
        """``nbgrader export``: every grade of the gradebook to a CSV file."""
        plugin = CsvExportPlugin(config=self.config)
        plugin.to = str(path)
        with Gradebook(self.db_url) as gb:
            plugin.export(gb)

    def graded_students(self, assignment: str) -> set[str]:
        """Students that have a submission of ``assignment`` in the gradebook."""
        with Gradebook(self.db_url) as gb:
            try:
                return {s.student.id for s in gb.assignment_submissions(assignment)}
            except MissingEntry:
                return set()

    def scores(self, assignment: str, notebook: str, student: str,
               test_cells: dict[str, str]) -> dict[str, float | None]:
        """Recorded score of each problem, read back from the gradebook.

        test_cells: problem id -> grade_id of the cell that holds its score.
        """
        found = {}
        with Gradebook(self.db_url) as gb:
            for pid, cell in test_cells.items():
                try:
                    grade = gb.find_grade(cell, Path(notebook).stem, assignment, student)
                except MissingEntry:
                    found[pid] = None
                    continue
                # an answer waiting for a human has no score yet (nbgrader says 0)
                pending = grade.auto_score is None and grade.manual_score is None
                found[pid] = None if pending else grade.score
        return found
