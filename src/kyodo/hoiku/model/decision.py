"""Staff decisions (職員判断) kept across re-runs: fix a child to a facility, forbid one, or withdraw."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class DecisionKind(StrEnum):
    FIX = "fix"
    FORBID = "forbid"
    WITHDRAW = "withdraw"

    @property
    def label(self) -> str:
        return DECISION_KINDS[self]


DECISION_KINDS: Mapping[DecisionKind, str] = MappingProxyType(
    {DecisionKind.FIX: "施設を指定(固定)", DecisionKind.FORBID: "施設を除外", DecisionKind.WITHDRAW: "辞退"}
)


@dataclass(frozen=True, slots=True)
class Decision:
    """One staff decision. `kind` given as a plain string becomes a DecisionKind (ValueError when unknown)."""

    kind: DecisionKind
    child_id: str
    facility_id: str | None = None
    reason: str = ""
    by: str = ""

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "kind", DecisionKind(self.kind))
        except ValueError:
            raise ValueError(f"unknown decision kind: {self.kind!r}") from None
        if self.kind in (DecisionKind.FIX, DecisionKind.FORBID) and not self.facility_id:
            raise ValueError(f"decision {self.kind!r} needs a facility")

    def as_dict(self) -> dict[str, str | None]:
        """As the run record and the result JSON keep it."""
        return {
            "kind": str(self.kind),
            "child_id": self.child_id,
            "facility_id": self.facility_id,
            "reason": self.reason,
            "by": self.by,
        }
