"""cnnkit: the helper package shared by every notebook of the course.

Student-facing only: nothing in here contains a solution or a reference
implementation of a graded function (those live in the instructor-only
``grading`` package, which is not part of the student bundle).

Modules
-------
setup    quiet TensorFlow, seeds and print options (``init_notebook``)
testing  numerical gradient check and small assertion helpers used by public tests
plots    figures drawn by code (also used to render ``images/``)
"""

__version__ = "0.1.0"
