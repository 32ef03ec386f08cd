"""Public, student-runnable checks, one module per assignment.

Each check is named after the exercise's function (``conv_forward_test(conv_forward)``),
prints ``All tests passed.`` when the contract holds, and otherwise raises an
``AssertionError`` whose message says what is probably wrong.
"""
