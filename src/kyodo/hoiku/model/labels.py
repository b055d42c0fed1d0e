"""Japanese display names for what the engine records in code words: methods, solver statuses, rules, record fields.

    method_label("sibling_deferred_acceptance")     # 「きょうだい同時入所を考慮した受入保留方式」
    method_label("deferred_acceptance+cp_sat(OPTIMAL)")
    rules_label("koto")                             # 「江東区の利用調整基準」
    RECORD_LABELS["engine_version"]                 # 「エンジンの版」

The staff workbook, the web pages and the CLI all read these names here, so that a run reads the same everywhere.
An unknown code word is shown as it is (a newer engine's method is still recognisable), never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

METHOD_LABELS: Mapping[str, str] = MappingProxyType({
    "deferred_acceptance": "受入保留方式(希望順に仮内定し、より指数の高い申込があれば入れ替える方式)",
    "sibling_deferred_acceptance": "きょうだい同時入所を考慮した受入保留方式",
    "cp_sat": "厳密解法(整数計画ソルバーで、きょうだいを含めて不満の生じない組み合わせを探す方式)",
})
# OR-Tools CP-SAT's status names (solver.status_name).
SOLVER_STATUS_LABELS: Mapping[str, str] = MappingProxyType({
    "OPTIMAL": "最適解",
    "FEASIBLE": "実行可能解(時間内に見つかった解。最適とは限りません)",
    "INFEASIBLE": "解なし",
    "MODEL_INVALID": "モデルの誤り",
    "UNKNOWN": "不明(時間内に解が見つかりませんでした)",
})
# The fields of kyodo.hoiku.model.result.RunRecord, as a page or the workbook names them.
RECORD_LABELS: Mapping[str, str] = MappingProxyType({
    "engine_version": "エンジンの版",
    "seed": "乱数シード(抽選)",
    "fiscal_year": "年度",
    "rules_name": "利用調整基準",
    "rules_sha256": "基準ファイルのハッシュ値(SHA-256)",
    "inputs_sha256": "入力ファイルのハッシュ値(SHA-256)",
    "method": "方法",
    "decisions": "職員判断",
})
NO_RULES = "なし(申込ファイルの指数を使用)"
_SOLVER = re.compile(r"^(?P<name>[a-z_]+)\((?P<status>[A-Z_]+)\)$")


def solver_status_label(status: str) -> str:
    return SOLVER_STATUS_LABELS.get(status, status)


def method_label(method: str) -> str:
    """A run's method (RunRecord.method) in Japanese: its parts joined by 「+」, a solver's status in brackets."""
    if not method:
        return ""
    words = []
    for part in method.split("+"):
        solver = _SOLVER.match(part)
        if solver:
            name = METHOD_LABELS.get(solver["name"], solver["name"])
            words.append(f"{name}【{solver_status_label(solver['status'])}】")
        else:
            words.append(METHOD_LABELS.get(part, part))
    return " + ".join(words)


@lru_cache(maxsize=64)
def rules_label(name: str | None, *, with_name: bool = False) -> str:
    """A rules file's name (「koto」) as its ward's: 「江東区の利用調整基準」, or with `with_name`
    「江東区の利用調整基準(koto)」 where the name is needed to reproduce a run. A name that does not load stays as it is."""
    if not name:
        return NO_RULES
    if with_name:
        label = rules_label(name)
        return label if label == name else f"{label}({name})"
    municipality = _municipality(name)
    return f"{municipality}の利用調整基準" if municipality else name


@lru_cache(maxsize=64)
def _municipality(name: str) -> str:
    """The ward of a shipped rules file ("" when the name does not load). The shipped files do not change while the
    program runs, and pages show these labels often: each is read once per process."""
    from kyodo.hoiku.model.errors import RuleError
    from kyodo.hoiku.rules import load_rules

    try:
        return load_rules(name).municipality or ""
    except (RuleError, OSError):
        return ""


def record_label(field: str) -> str:
    return RECORD_LABELS.get(field, field)
