"""Does anything students receive compute a graded answer? Run every public bundle function and see.

A line-by-line comparison of the bundle with the solutions (``tests/test_bundle.py``) cannot
see an *equivalent rewrite*: a helper in ``cnnkit`` that builds the graded ResNet-50 from a
table, or computes a padded array another way.  This module looks at behaviour instead:

1. every assignment's ``grading/<week>/reference.py`` lists **probes** (``probes()``): a
   graded exercise, concrete arguments, and the reference that answers them;
2. every public function of the student-facing packages (``cnnkit``, ``public_tests``) whose
   signature accepts a probe's arguments is called with them (in a sandbox: a scratch
   working folder and datasets folder, a time limit per call, errors ignored);
3. a call **leaks** when its result equals the reference's: the same model structure
   (``cnnkit.testing.summary``, for Keras models), or the same values (arrays, tensors,
   numbers, nested tuples), where the reference's answer is not trivial.

Loaders of *shipped trained networks* (``LOADERS``) return a graded architecture on purpose,
as the original course does after the exercise; they must read that architecture from a
shipped file, which ``tests/test_bundle.py`` checks by taking the file away.

    python -m grading.leaks [--json]     # run in a scratch folder; prints what leaked
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import json
import pkgutil
import signal
import sys
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

PACKAGES = ("cnnkit", "public_tests")
LOADERS = {
    "cnnkit.resnet.load_pretrained_resnet50":
        "loads the trained ResNet-50 from datasets/weights/resnet50_signs.keras.json + .npz (no builder)",
}
"""Functions that return a graded architecture by loading a shipped file, and why that is fine."""
SKIP = {
    "cnnkit.data.main": "command line (draws the datasets again)",
    "cnnkit.data.build_synthetic_datasets": "draws the Happy House and SIGNS files (pictures, not answers)",
    "cnnkit.yolo.evaluate_map": "runs a detector over hundreds of drawn scenes with the learner's yolo_eval",
    "cnnkit.seg.carla_directories": "draws the 1060 street scenes of the w3a2 folder on first use (pictures)",
    "cnnkit.seg.prepare_carla_folder": "draws the 1060 street scenes of the w3a2 folder (pictures)",
    "cnnkit.streets.write_carla_folder": "draws street scenes into a folder (pictures, not answers)",
}
"""Functions never called by the scan (with the reason): slow makers of data sets.  Every other
function that takes the probe's arguments is called; ``_DATA_MAKERS`` skips the generators of
picture sets by name (``generate_*``) as well."""
_DATA_MAKERS = ("generate_",)
CALL_SECONDS = 15


@dataclass
class Probe:
    """A graded exercise, arguments for it, and the reference that answers them."""

    target: str
    reference: Callable
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)


def all_probes() -> tuple[list[Probe], dict[str, str]]:
    """Every assignment's probes, and the exercises that cannot be probed (with the reason)."""
    from grading import notebook as nbu

    probes, unprobed = [], {}
    for assignment in nbu.assignment_ids():
        ref = importlib.import_module(f"grading.{assignment.split('_')[0]}.reference")
        probes += ref.probes()
        unprobed.update(getattr(ref, "UNPROBED", {}))
    return probes, unprobed


def bundle_callables(packages=PACKAGES) -> dict[str, Callable]:
    """``{qualified name: function}``: the public functions defined in the student-facing packages."""
    out = {}
    for package in packages:
        pkg = importlib.import_module(package)
        names = [package] + [f"{package}.{m.name}" for m in pkgutil.walk_packages(pkg.__path__)]
        for name in names:
            module = importlib.import_module(name)
            for attr, obj in vars(module).items():
                if (attr.startswith("_") or not inspect.isfunction(obj) or obj.__module__ != name):
                    continue
                out[f"{name}.{attr}"] = obj
    return out


def _accepts(func: Callable, args: tuple, kwargs: dict) -> bool:
    try:
        inspect.signature(func).bind(*args, **kwargs)
        return True
    except (TypeError, ValueError):
        return False


class _Timeout(Exception):
    pass


class _Structure(list):
    """A Keras model's structure summary (rows of ``cnnkit.testing.summary``)."""


def _plain(value: Any, depth: int = 0):
    """A comparable form: Keras models -> structure summary, tensors -> arrays, containers recursed."""
    if depth > 4:
        return None
    if hasattr(value, "layers") and hasattr(value, "inputs") and hasattr(value, "count_params"):
        from cnnkit.testing import summary

        try:
            return _Structure(summary(value))
        except Exception:  # noqa: BLE001 - an odd object that only looks like a model
            return None
    if hasattr(value, "numpy") and callable(value.numpy):
        try:
            value = value.numpy()
        except Exception:  # noqa: BLE001 - a symbolic tensor
            return None
    if isinstance(value, (bool, int, float, np.number, np.bool_)):
        return np.asarray(value, dtype=float)
    if isinstance(value, np.ndarray):
        return value.astype(float) if value.dtype.kind in "biuf" else None
    if isinstance(value, (tuple, list)) and value:
        return tuple(_plain(v, depth + 1) for v in value)
    return None


def _trivial(plain) -> bool:
    """An answer that many unrelated functions could give (nothing, empty, all zeros)."""
    if plain is None:
        return True
    if isinstance(plain, _Structure):
        return False
    if isinstance(plain, tuple):
        return all(_trivial(p) for p in plain)
    return plain.size == 0 or not np.any(plain)


def _same(a, b) -> bool:
    if a is None or b is None:
        return False
    if isinstance(a, _Structure) or isinstance(b, _Structure):
        return isinstance(a, _Structure) and isinstance(b, _Structure) and list(a) == list(b)
    if isinstance(a, tuple) or isinstance(b, tuple):
        return (isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b)
                and all(_same(x, y) for x, y in zip(a, b)))
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=1e-9))


def _call(func: Callable, args: tuple, kwargs: dict, seconds: int):
    """``func(*args, **kwargs)`` with a time limit, quietly; ``None`` if it fails or runs too long."""
    import contextlib
    import io

    def alarm(signum, frame):
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            return func(*_copy(args), **_copy(kwargs))
    except (Exception, _Timeout, SystemExit):  # noqa: BLE001 - any failure: this function is not a leak
        return None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _copy(value):
    """Deep copy of probe arguments, so a function that writes into its input cannot spoil the next."""
    import copy

    return copy.deepcopy(value)


def scan(probes: list[Probe], callables: dict[str, Callable], seconds: int = CALL_SECONDS) -> dict:
    """``{"leaks": [(function, target)], "loaders": [(function, target)], "calls": n, "slow": {function: s}}``."""
    from cnnkit.setup import quiet_tensorflow

    quiet_tensorflow()
    import time

    leaks, loaders, calls, slow = [], [], 0, {}
    for probe in probes:
        tf = sys.modules.get("tensorflow")
        if tf is not None:
            tf.keras.utils.set_random_seed(0)
        expected = _plain(_call(probe.reference, probe.args, probe.kwargs, 120))
        if _trivial(expected):
            raise ValueError(f"probe of {probe.target}: the reference gives a trivial answer; choose other inputs")
        for name, func in sorted(callables.items()):
            if name in SKIP or func.__name__.startswith(_DATA_MAKERS) or not _accepts(func, probe.args, probe.kwargs):
                continue
            if tf is not None:
                tf.keras.utils.set_random_seed(0)   # the same initial weights as the reference's
            calls += 1
            t0 = time.perf_counter()
            answer = _plain(_call(func, probe.args, probe.kwargs, seconds))
            if time.perf_counter() - t0 > 2:
                slow[name] = round(slow.get(name, 0) + time.perf_counter() - t0, 1)
            if _same(answer, expected):
                (loaders if name in LOADERS else leaks).append((name, probe.target))
    return {"leaks": leaks, "loaders": loaders, "calls": calls, "slow": slow}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grading.leaks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--extra-module", action="append", default=[],
                        help="also scan the public functions of this module (tests plant a leak this way)")
    args = parser.parse_args(argv)
    probes, unprobed = all_probes()
    callables = bundle_callables()
    for extra in args.extra_module:
        module = importlib.import_module(extra)
        callables.update({f"{extra}.{k}": v for k, v in vars(module).items()
                          if inspect.isfunction(v) and not k.startswith("_")})
    result = scan(probes, callables)
    result.update(probed=sorted({p.target for p in probes}), unprobed=unprobed, functions=len(callables))
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['calls']} calls of {len(callables)} bundle functions with {len(probes)} probes")
        for name, target in result["leaks"]:
            print(f"LEAK: {name} answers {target}")
        for name, seconds in sorted(result["slow"].items(), key=lambda kv: -kv[1]):
            print(f"slow: {name} {seconds} s in all")
        for name, target in result["loaders"]:
            print(f"loader (allowed): {name} returns {target}: {LOADERS[name]}")
    return 1 if result["leaks"] else 0


if __name__ == "__main__":
    sys.exit(main())
