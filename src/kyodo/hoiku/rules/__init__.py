"""Municipal nursery admission rules (利用調整基準) as data: one YAML file per municipality.

`load_rules("koto")` reads `data/koto.yaml`; see README.md beside this file for the format.
"""

from kyodo.hoiku.rules.loader import (
    Adjustment,
    BaseRule,
    Condition,
    Dated,
    Provenance,
    Rules,
    Scope,
    Source,
    Status,
    TableRow,
    TieBreak,
    available_rules,
    load_rules,
    parse_rules,
)

__all__ = [
    "Adjustment",
    "BaseRule",
    "Condition",
    "Dated",
    "Provenance",
    "Rules",
    "Scope",
    "Source",
    "Status",
    "TableRow",
    "TieBreak",
    "available_rules",
    "load_rules",
    "parse_rules",
]
