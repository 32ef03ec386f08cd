"""Instructor-only grading machinery (never shipped to students).

One package per assignment, keyed by its week (``w1a1`` for ``w1a1_conv_step_by_step``):

- ``grading.<week>``            hidden checks ``check_<exercise>``, called from the notebooks'
                                one-line HIDDEN TESTS regions
- ``grading.<week>.reference``  independent reference implementations the checks compare with
- ``grading.<week>.mutants``    plausible wrong implementations and correct alternatives

Shared machinery: ``common`` (GradingError, ``hidden_test``), ``mutation`` (the variant
registry), ``authoring`` (the notebook builder used by ``authoring/<id>.py``), ``notebook``
(reading nbgrader notebooks), ``harness`` (round-trip plan), ``course`` (nbgrader course
operations, demo class), ``execute`` (resilient kernel), ``bench``, ``bundle``, ``figures``,
``cli`` (the ``cnn-course`` command).
"""
