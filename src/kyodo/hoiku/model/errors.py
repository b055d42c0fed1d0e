"""Errors a clerk reads: Japanese messages that name the file, row and column where they can."""

from __future__ import annotations

from kyodo.problems import InputError, Problem

__all__ = ["InputError", "Problem", "RuleError"]


class RuleError(Exception):
    """A rule cannot decide: a fact it needs is missing, or the rules file is malformed."""
