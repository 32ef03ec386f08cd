"""Shared plumbing for the public tests of every assignment: one ``_check``, one ``_passed``, ``depends_on``."""
from __future__ import annotations

import contextlib
import functools
import io
from typing import Callable


def _check(condition, message: str) -> None:
    """Fail the public test with ``message`` (what is probably wrong, and how to fix it)."""
    if not condition:
        raise AssertionError(message)


def _passed() -> None:
    """The line a student sees when every public check of an exercise passed."""
    print("All tests passed.")


def depends_on(**helper_tests: Callable) -> Callable:
    """Decorator for the public test of a function that calls other graded functions.

    ``@depends_on(zero_pad=zero_pad_test)`` on ``conv_forward_test``: if the checks of
    ``conv_forward`` fail *and* ``conv_forward`` calls a helper (``zero_pad``) whose own
    public test fails, the failure is most likely the helper's.  The test then says so
    and does not fail this cell as well: a mistake in one exercise costs that exercise
    only (the hidden tests grade ``conv_forward`` with correct helpers).
    """

    def decorator(test: Callable) -> Callable:
        @functools.wraps(test)
        def wrapper(func: Callable, *args, **kwargs):
            try:
                return test(func, *args, **kwargs)
            except Exception:
                used = set(getattr(getattr(func, "__code__", None), "co_names", ()))
                namespace = getattr(func, "__globals__", {})
                broken = [name for name, helper_test in helper_tests.items()
                          if name in used and name in namespace
                          and not _passes(helper_test, namespace[name])]
                if not broken:
                    raise
                names = ", ".join(f"`{b}`" for b in broken)
                print(f"{test.__name__}: `{func.__name__}` calls {names}, which fails its own "
                      f"test above. Fix {names} first, then run this cell again. (Your "
                      f"`{func.__name__}` will be graded with a correct {names}.)")
                return None

        return wrapper

    return decorator


def _passes(test: Callable, func: Callable) -> bool:
    """Run a public test silently; True if it passes."""
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            test(func)
        except Exception:
            return False
    return True
