"""Mutation harness: plausible wrong implementations and correct alternatives.

Each assignment's ``grading/<week>/mutants.py`` (``grading.w1a1.mutants`` …) registers
variants with the decorators below.  A variant is stored as *source code* defining the
graded function under its real name, so it can be

- executed in a notebook-like namespace for the fast, direct checks
  (``Variant.build(namespace)``), and
- pasted into a student notebook's solution cell for real ``nbgrader autograde`` runs.

Decorated definitions are *not* left as module functions (the decorator returns the
``Variant``), so a variant that calls a helper such as ``zero_pad`` always resolves it
in the namespace it is built in — exactly as it would in a notebook.

An exercise graded through the state its cell leaves (no function: w2a2's fine-tuning
settings) registers whole cells with ``cell_mutant`` / ``cell_alternative``;
``Variant.build`` then returns the namespace the cell leaves.
"""
from __future__ import annotations

import importlib
import inspect
import textwrap
from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class Variant:
    """One implementation of a graded function: a mutant (wrong) or an alternative (right)."""

    target: str          # graded function name, e.g. "conv_forward"
    name: str            # short slug, e.g. "ceil_output_size"
    description: str     # what is wrong (mutant) or what is different (alternative)
    source: str          # Python source defining ``def <target>(...)``
    correct: bool        # True for alternatives
    imports: tuple = field(default=())  # extra import lines the source needs
    cell: bool = False   # True: the source is a whole cell graded by the state it leaves

    @property
    def id(self) -> str:
        return f"{self.target}:{self.name}"

    def cell_source(self) -> str:
        """Source to paste into a notebook solution cell."""
        head = "\n".join(self.imports)
        return (head + "\n" if head else "") + self.source

    def build(self, namespace: dict):
        """Execute the source in a copy of ``namespace``; return the function (or, for a
        cell variant, the namespace the cell leaves).

        The returned function's globals are that copy, so helpers it calls resolve
        there (and hidden tests may swap them, as they do in a notebook).
        """
        ns = dict(namespace)
        exec(compile(self.cell_source(), f"<variant {self.id}>", "exec"), ns)
        return ns if self.cell else ns[self.target]


class Registry:
    """Collects the variants of one assignment."""

    def __init__(self, assignment: str):
        self.assignment = assignment
        self.variants: list[Variant] = []

    def _register(self, target: str, description: str, correct: bool, imports=()):
        def decorator(fn: Callable) -> Variant:
            src = textwrap.dedent(inspect.getsource(fn))
            lines = src.splitlines()
            while lines and lines[0].lstrip().startswith("@"):
                lines.pop(0)  # drop decorator lines (single-line decorators only)
            src = "\n".join(lines).replace(f"def {fn.__name__}(", f"def {target}(", 1) + "\n"
            variant = Variant(target=target, name=fn.__name__, description=description,
                              source=src, correct=correct, imports=tuple(imports))
            if any(v.id == variant.id for v in self.variants):
                raise ValueError(f"duplicate variant {variant.id}")
            self.variants.append(variant)
            return variant

        return decorator

    def mutant(self, target: str, description: str, imports=()):
        """Register a wrong implementation of ``target`` (must lose that exercise's points)."""
        return self._register(target, description, False, imports)

    def alternative(self, target: str, description: str, imports=()):
        """Register a correct alternative of ``target`` (must keep full marks)."""
        return self._register(target, description, True, imports)

    def _register_cell(self, target: str, name: str, description: str, source: str, correct: bool) -> Variant:
        variant = Variant(target=target, name=name, description=description,
                          source=textwrap.dedent(source).strip("\n") + "\n", correct=correct, cell=True)
        if any(v.id == variant.id for v in self.variants):
            raise ValueError(f"duplicate variant {variant.id}")
        self.variants.append(variant)
        return variant

    def cell_mutant(self, target: str, name: str, description: str, source: str) -> Variant:
        """Register a wrong version of a whole solution cell (an exercise graded by state)."""
        return self._register_cell(target, name, description, source, False)

    def cell_alternative(self, target: str, name: str, description: str, source: str) -> Variant:
        """Register a correct alternative of a whole solution cell."""
        return self._register_cell(target, name, description, source, True)

    def mutants(self, target: str | None = None) -> list[Variant]:
        return [v for v in self.variants if not v.correct and target in (None, v.target)]

    def alternatives(self, target: str | None = None) -> list[Variant]:
        return [v for v in self.variants if v.correct and target in (None, v.target)]

    def get(self, target: str, name: str) -> Variant:
        """The variant of ``target`` registered under ``name``."""
        for v in self.variants:
            if v.target == target and v.name == name:
                return v
        raise KeyError(f"{self.assignment}: no variant {target}:{name}")

    def targets(self) -> list[str]:
        seen: list[str] = []
        for v in self.variants:
            if v.target not in seen:
                seen.append(v.target)
        return seen


def registry(assignment: str) -> Registry:
    """The registry of an assignment id such as ``w1a1_conv_step_by_step``."""
    module = importlib.import_module(f"grading.{assignment.split('_')[0]}.mutants")
    return module.REGISTRY
