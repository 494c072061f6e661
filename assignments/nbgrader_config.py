# nbgrader configuration of the course (this directory is the course root).
#
# `python -m hwlib grade` reads this file and then enforces its own safety
# settings (sandboxed autograding, offline feedback, hidden tests removed from
# feedback); see docs/grading.md. The settings below also make PLAIN nbgrader
# commands run from this directory behave as safely as nbgrader allows:
#   nbgrader generate_assignment hw2 --force
#   nbgrader autograde hw2 --force          (refused: see c.Autograde.exporter_class below)
#   nbgrader generate_feedback hw2 --force
#   nbgrader export --to grades.csv
c = get_config()  # noqa: F821  (provided by traitlets when it loads this file)

c.CourseDirectory.course_id = "dl-course"

# Releases: solutions become stubs, hidden tests are removed.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"

# Plain `nbgrader autograde` (the command, and formgrader's Autograde button) would run
# hidden tests in-kernel with no sandbox: it is refused with a message naming
# `python -m hwlib grade hwN --collected`; hwlib's engine is let through
# (hwlib/grading/formgrader.py). Without hwlib installed it fails to import: refused too.
c.Autograde.exporter_class = "hwlib.grading.formgrader.SandboxOnlyExporter"
# If it is forced anyway (--Autograde.exporter_class=nbconvert.exporters.NotebookExporter,
# as benchmarks/bench_grading.py does): the kernel is python3, each cell gets 60 s, and a
# notebook that stops responding is abandoned rather than hanging the run.
# `nbgrader validate` in the course folder runs every code cell, not only the graded
# ones: a stub that still raises NotImplementedError or a failing visible check fails it.
c.Validator.validate_all = True
c.Execute.kernel_name = "python3"
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
c.Execute.execute_retries = 0
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 20
# Locked cells deleted by a student are put back before grading.
c.OverwriteCells.add_missing_cells = True

# Feedback: hidden test source removed, error tracebacks of test cells reduced
# to "Type: message", and the HTML template loads nothing from a CDN (formulas
# are typeset by an inline MathJax). With hwlib, GetGrades below becomes
# hwlib's GetFeedbackGrades: parts awaiting manual grading read "pending", not 0.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "nbgrader.preprocessors.ClearHiddenTests",
    "hwlib.grading.gradebook.HideTestTracebacks",
]
# Only the feedback's own exporter class is configured: setting HTMLExporter
# here would also change formgrader's manual-grading page (HTTP 500 there).
try:  # the offline template ships with hwlib; without hwlib keep nbgrader's
    from hwlib.grading.exporters import configure_feedback
    from hwlib.grading.gradebook import NBGRADER_TEMPLATES, TEMPLATE_DIR

    configure_feedback(c, [str(NBGRADER_TEMPLATES), str(TEMPLATE_DIR)])
except ImportError:
    pass
