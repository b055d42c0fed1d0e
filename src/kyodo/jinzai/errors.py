"""Errors a coordinator reads: Japanese messages that name the file, row and column where they can."""

from __future__ import annotations

from kyodo.problems import InputError, Problem

__all__ = ["InputError", "PlanError", "Problem"]


class PlanError(Exception):
    """A plan cannot be made as asked (for example a confirmed assignment that no longer fits). Japanese message."""
