"""Mark one value of a rules document 確認済み: who checked it against the ward's own document, and when.

The document is the stored YAML form (parsed), and `where` is the value's place as `Rules.values()` names it
(`household`, `choice_limit`, `base.employment.table[0]`, `base.illness.grades.入院`, `base.none.points`,
`adjustments.single_parent`, `tie_break[0]` or `tie_break.2020[0]` for a chain by fiscal year). Only that value changes: a table row or a grade gets its own
provenance keys, so the other rows of the same reason keep what they inherit.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from kyodo.hoiku.model.errors import RuleError
from kyodo.hoiku.rules.loader import Status

_TABLE = re.compile(r"^base\.([a-z_]+)\.table\[(\d+)\]$")
_GRADE = re.compile(r"^base\.([a-z_]+)\.grades\.(.+)$")
_POINTS = re.compile(r"^base\.([a-z_]+)\.points$")
_ADJUSTMENT = re.compile(r"^adjustments\.(.+)$")
_TIE = re.compile(r"^tie_break(?:\.(\d+))?\[(\d+)\]$")  # tie_break[0], or tie_break.2020[0] by fiscal year


def confirm_value(doc: Mapping[str, Any], where: str, *, by: str, on: str) -> dict[str, Any]:
    """A copy of `doc` with the value at `where` marked 確認済み by `by` on `on` (ISO date). Raises RuleError."""
    if not by.strip():
        raise RuleError("確認者の名前が必要です")
    new = copy.deepcopy(dict(doc))
    target = _locate(new, where)
    target.update({"status": Status.CONFIRMED.value, "confirmed_by": by, "confirmed_on": on})
    return new


def _locate(doc: dict[str, Any], where: str) -> dict[str, Any]:
    """The mapping that holds the provenance keys of the value at `where` (made one where it was a bare value)."""
    try:
        if where == "household":
            return _mapping(doc["household"])
        if where == "choice_limit":
            if not isinstance(doc.get("choice_limit"), Mapping) or "value" not in doc["choice_limit"]:
                doc["choice_limit"] = {"value": doc["choice_limit"]}
            return _mapping(doc["choice_limit"])
        if m := _TABLE.match(where):
            return _mapping(doc["base"][m[1]]["table"][int(m[2])])
        if m := _GRADE.match(where):
            grades = doc["base"][m[1]]["grades"]
            value = grades[m[2]]
            if not (isinstance(value, Mapping) and "points" in value):  # a bare value (or a year → value map)
                grades[m[2]] = {"points": value}
            return _mapping(grades[m[2]])
        if m := _POINTS.match(where):
            return _mapping(doc["base"][m[1]])
        if m := _ADJUSTMENT.match(where):
            return next(_mapping(a) for a in doc.get("adjustments") or [] if str(a.get("id")) == m[1])
        if m := _TIE.match(where):
            chain = doc["tie_break"]
            if m[1] is not None:  # a chain by fiscal year: the year is a YAML int key (or a string in hand-made files)
                chain = chain[int(m[1])] if int(m[1]) in chain else chain[m[1]]
            return _mapping(chain[int(m[2])])
    except (KeyError, IndexError, TypeError, StopIteration):
        pass
    raise RuleError(f"確認する値「{where}」が利用調整基準にありません")


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(value)
    return value
