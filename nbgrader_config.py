"""nbgrader configuration shared by the instructor workflow, the demo class and the tests.

Paths are relative to the course directory (the folder nbgrader runs in), so this file
works unchanged when copied into a scratch course (``grading.course.make_course``).
"""
import os
import pathlib

c = get_config()  # noqa: F821 - provided by nbgrader/traitlets

HERE = pathlib.Path(__file__).resolve().parent

c.CourseDirectory.course_id = "cnn-course"
c.CourseDirectory.source_directory = "solutions"   # nbgrader sources: solutions + hidden tests
c.CourseDirectory.release_directory = "notebooks"   # student versions, committed in the repo
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# Local exchange for instructors who release and collect on one machine.
c.Exchange.root = str(HERE / "exchange")

# What students see in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Execution: a per-cell limit so an infinite loop costs that cell only; the kernel is
# interrupted and grading goes on with the next cell.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True
c.Execute.error_on_timeout = {
    "ename": "CellTimeoutError",
    "evalue": "this cell ran longer than 120 s and was interrupted",
    "traceback": [
        "CellTimeoutError: this cell ran longer than 120 s and was interrupted "
        "(an infinite loop, or a much slower method than needed?)"
    ],
}
c.Execute.execute_retries = 1
# The hidden checks of one exercise (run outside the kernel, grading.execute.RunHiddenChecks) get
# their own wall clock; so does the whole notebook.
c.RunHiddenChecks.check_timeout = 240
# What the graded notebook and the feedback show of the hidden checks: "summary" (which checks
# failed, with their short message), "none" (only that one failed) or "full" (also the hidden-test
# line). Never their source. Per assignment: c.RunHiddenChecks.feedback_by_assignment = {"<id>": "none"}
c.RunHiddenChecks.feedback = "summary"
c.ResilientExecute.notebook_timeout = 1800

# Grading path (grading.execute): the hidden-test lines are taken out of the grade cells, the
# notebook runs in a sandboxed kernel that survives crashes (a dead kernel costs the cell that
# killed it, not the whole submission), then the hidden checks run outside the student's
# kernel against a sandboxed worker holding only the student's definitions.  Without
# bubblewrap, grading refuses to run unless CNN_COURSE_NO_SANDBOX=1 (local experiments only).
try:
    from nbgrader.converters.autograde import Autograde as _Autograde

    from grading.execute import HarmlessStderr, ResilientExecute, RunHiddenChecks, StripHiddenChecks

    _steps = []
    for _p in _Autograde.class_traits()["autograde_preprocessors"].default():
        if _p.__name__ == "Execute":
            _steps += [StripHiddenChecks, ResilientExecute, RunHiddenChecks, HarmlessStderr]
        else:
            _steps.append(_p)
    c.Autograde.autograde_preprocessors = _steps
    # Every submission is made gradable first (renamed, old-format, unreadable, mangled notebooks),
    # with the reason written into the notebook (grading.intake).
    from grading.intake import pre_convert_hook as _intake

    c.Autograde.pre_convert_hook = _intake
except ImportError:  # the instructor package is not installed: stock behaviour
    pass

# Output on stderr zeroes an nbgrader test cell, even when the test passed.  The notebooks
# and the grading code keep TensorFlow and warnings quiet (cnnkit.setup); as a second line
# of defence, kernels inherit a quiet environment and known-harmless log lines are dropped.
for _key, _value in {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "ABSL_MIN_LOG_LEVEL": "3",
    "GRPC_VERBOSITY": "ERROR",
    "PYTHONWARNINGS": "ignore::DeprecationWarning,ignore::FutureWarning",
}.items():
    os.environ.setdefault(_key, _value)

c.IgnorePattern.pattern = (
    r"(oneDNN custom operations are on"
    r"|This TensorFlow binary is optimized to use available CPU instructions"
    r"|Unable to register cu(DNN|FFT|BLAS) factory"
    r"|computation placer already registered"
    r"|All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|`shuffle=True` was passed, but will be ignored"
    r"|Do not pass an `input_shape`/`input_dim` argument to a layer)"
)
c.IgnorePattern.enabled = True
