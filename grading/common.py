"""Utilities shared by every assignment's hidden-test logic."""
from __future__ import annotations

import contextlib
import functools
import inspect
from typing import Any, Callable

from cnnkit.testing import quiet


class GradingError(AssertionError):
    """A hidden test failed; the message says what is probably wrong."""


def check_signature(func: Callable, *args, what: str | None = None, **kwargs) -> dict:
    """The arguments ``func`` would bind to, or a ``GradingError`` saying to keep the notebook's signature.

    Returns the bound arguments (name -> value), e.g. to check that a function left its inputs alone.
    """
    try:
        return dict(inspect.signature(func).bind(*args, **kwargs).arguments)
    except (TypeError, ValueError) as err:
        what = what or getattr(func, "__name__", "the function")
        raise GradingError(f"could not call {what} with the notebook's parameter names and order ({err}); keep "
                           "the signature given in the notebook") from None


def call_checked(func: Callable, *args, **kwargs):
    """``func(*args, **kwargs)`` after ``check_signature``."""
    check_signature(func, *args, **kwargs)
    return func(*args, **kwargs)


def expect(condition: bool, message: str) -> None:
    """Raise ``GradingError(message)`` unless ``condition`` holds."""
    if not condition:
        raise GradingError(message)


@contextlib.contextmanager
def isolated_globals(func: Callable, **replacements: Any):
    """Temporarily replace globals that ``func`` looks up (notebook helpers).

    A hidden test of ``conv_forward`` swaps the learner's ``zero_pad`` and
    ``conv_single_step`` for reference versions, so that a mistake in a helper costs
    the points of that helper's exercise only.  Names that ``func`` cannot see are
    ignored; the previous values (or their absence) are restored afterwards.
    """
    namespace = getattr(func, "__globals__", None)
    if namespace is None:
        yield
        return
    missing = object()
    saved = {name: namespace.get(name, missing) for name in replacements}
    try:
        namespace.update(replacements)
        yield
    finally:
        for name, value in saved.items():
            if value is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = value


def reads(*names: str) -> Callable:
    """Declare the notebook globals a check of a *state* exercise reads.

    Such a check is called as ``check_<key>(globals())`` and reads ``ns["name"]`` only for these
    names; graded outside the student's kernel, exactly these globals are exported from the
    notebook as plain data (Keras configs, arrays) and rebuilt for the check.
    """

    def decorator(check: Callable) -> Callable:
        check.reads = tuple(names)
        return check

    return decorator


def hidden_test(check: Callable) -> Callable:
    """Decorator for hidden-test entry points: run quietly, print one line on success.

    Every failure surfaces as an ``AssertionError`` subclass with a helpful message; an
    unexpected exception raised by the learner's code is re-raised with its type and
    message summarised, so feedback never shows hidden-test source lines.
    """

    @functools.wraps(check)
    def wrapper(*args, **kwargs):
        __tracebackhide__ = True
        with quiet():
            try:
                check(*args, **kwargs)
            except GradingError as err:
                raise GradingError(f"{check.__name__}: {err}") from None
            except Exception as err:  # learner code crashed inside a hidden test
                raise GradingError(
                    f"{check.__name__}: your function raised {type(err).__name__}: {err}"
                ) from None
        print(f"{check.__name__}: hidden tests passed.")

    return wrapper
