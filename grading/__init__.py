"""Instructor-only grading machinery (never shipped to students).

- ``grading.reference``     independent reference implementations used by hidden tests
- ``grading.<assignment>``  hidden-test logic, called from the notebooks' HIDDEN TESTS regions
- ``grading.mutants``       plausible wrong implementations and correct alternatives
- ``grading.course``        nbgrader course operations: generate, demo class, autograde, bundle
- ``grading.cli``           the ``cnn-course`` command
"""
