"""Read and validate a rules file into the typed, immutable rule objects of `rules.model`.

Every problem names the file and the place in it (e.g. `adjustments[2].when`), in Japanese,
because the people who maintain these files are ward clerks.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from kyodo.hoiku.model.errors import RuleError
from kyodo.hoiku.model.instance import Reason
from kyodo.hoiku.rules.model import (
    COMBINE_MODES,
    CONDITION_KEYS,
    DERIVED_KEYS,
    FACILITY_KEYS,
    OPERATORS,
    PROVENANCE_KEYS,
    TABLE_CONDITIONS,
    TIE_BREAK_KEYS,
    TRIAL_STAMP,
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
)

# The rule objects live in rules.model; they are re-exported here for the callers of loader.
__all__ = [
    "COMBINE_MODES",
    "CONDITION_KEYS",
    "DATA_DIR",
    "DERIVED_KEYS",
    "FACILITY_KEYS",
    "OPERATORS",
    "PROVENANCE_KEYS",
    "TABLE_CONDITIONS",
    "TIE_BREAK_KEYS",
    "TRIAL_STAMP",
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

DATA_DIR = Path(__file__).parent / "data"

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A section is printed on residents' letters: the place in the ward's document, never an address.
_ADDRESS = re.compile(r"https?:|www\.|\.(?:jp|com|net|org)\b", re.IGNORECASE)
# libyaml's parser (shipped in PyYAML's wheels) reads a rules file about ten times faster than the pure-Python one,
# into the same values (both build them with SafeConstructor).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """A YAML text's data, read safely (no tags that build objects). Raises yaml.YAMLError."""
    return yaml.load(text, Loader=_YAML_LOADER)


def available_rules() -> list[str]:
    """Names of the shipped rules files (without `.yaml`), sorted."""
    return sorted(p.stem for p in DATA_DIR.glob("*.yaml") if not p.name.endswith(".cases.yaml"))


def load_rules(name_or_path: str | Path) -> Rules:
    """Load shipped rules by name (e.g. "koto") or any rules file by path."""
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = DATA_DIR / f"{name_or_path}.yaml"
        if not path.exists():
            known = "、".join(available_rules()) or "なし"
            raise RuleError(f"利用調整基準「{name_or_path}」がありません(使えるもの: {known})")
    raw = path.read_bytes()
    try:
        data = parse_yaml(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RuleError(f"{path.name}: YAML として読めません({exc})") from exc
    return parse_rules(data, name=path.stem, file_name=path.name, sha256=hashlib.sha256(raw).hexdigest())


class _Reader:
    """Walks the parsed YAML, turning shape problems into RuleErrors that say where."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name

    def fail(self, where: str, message: str) -> RuleError:
        return RuleError(f"{self.file_name}: {where}: {message}")

    def mapping(self, value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(where, "項目の対応(キー: 値)が必要です")
        return value

    def text(self, value: Any, where: str) -> str:
        if not isinstance(value, str | int) or isinstance(value, bool) or str(value).strip() == "":
            raise self.fail(where, "文字列が必要です")
        return str(value)

    def dated(self, value: Any, where: str) -> Dated:
        full = f"{self.file_name}: {where}"
        if isinstance(value, int) and not isinstance(value, bool):
            return Dated(((0, value),), full)
        if isinstance(value, Mapping) and value:
            pairs = []
            for year, v in value.items():
                if not isinstance(year, int) or not isinstance(v, int) or isinstance(v, bool):
                    raise self.fail(where, "年度(整数)→ 点数(整数)の対応が必要です")
                pairs.append((year, v))
            return Dated(tuple(sorted(pairs)), full)
        raise self.fail(where, "整数、または 年度 → 整数 の対応が必要です")

    def provenance(
        self,
        spec: Mapping[str, Any],
        sources: Mapping[str, Source],
        where: str,
        default: Provenance | None = None,
    ) -> Provenance:
        """The provenance keys of `spec`; those it lacks come from `default` (the item's, for a row)."""
        base = default or Provenance()
        if not any(k in spec for k in PROVENANCE_KEYS):
            return base
        status_text = spec.get("status", base.status.value)
        try:
            status = Status(status_text)
        except ValueError:
            raise self.fail(f"{where}.status", "確認済み または 要確認 を指定してください") from None
        texts = {}
        for key in ("section", "confirmed_by", "confirmed_on", "note"):
            value = spec.get(key, getattr(base, key))
            texts[key] = "" if value is None else str(value)
        if _ADDRESS.search(texts["section"]):
            raise self.fail(
                f"{where}.section",
                "出典の箇所は文書の中の箇所(例「別表1 2(1)」)です。URL は出典(sources)に書いてください",
            )
        if texts["confirmed_on"] and not _ISO_DATE.match(texts["confirmed_on"]):
            raise self.fail(f"{where}.confirmed_on", "日付は 2026-04-01 の形で書いてください")
        if status == Status.CONFIRMED and not (texts["confirmed_by"] and texts["confirmed_on"]):
            raise self.fail(where, "確認済みには確認者(confirmed_by)と確認日(confirmed_on)が必要です")
        source = self.source(spec["source"], sources, f"{where}.source") if "source" in spec else base.source
        return Provenance(
            source, texts["section"], status, texts["confirmed_by"], texts["confirmed_on"], texts["note"]
        )

    def source(self, value: Any, sources: Mapping[str, Source], where: str) -> Source | None:
        if value is None:
            return None
        key = self.text(value, where)
        if key not in sources:
            raise self.fail(where, f"出典「{key}」が sources にありません")
        return sources[key]


def parse_rules(data: Any, *, name: str, file_name: str, sha256: str = "") -> Rules:
    """Validate parsed YAML and build Rules. Raises RuleError naming the place of the first problem."""
    r = _Reader(file_name)
    top = r.mapping(data, "(先頭)")
    for required in ("municipality", "base", "household"):
        if required not in top:
            raise r.fail(required, "必須の項目がありません")
    sources = {
        key: Source(
            key=key,
            title=r.text(r.mapping(s, f"sources.{key}").get("title"), f"sources.{key}.title"),
            url=s.get("url"),
            confirm=bool(s.get("confirm", False)),
        )
        for key, s in r.mapping(top.get("sources", {}), "sources").items()
    }
    household = r.mapping(top["household"], "household")
    combine = household.get("combine", "sum")
    if combine not in COMBINE_MODES:
        raise r.fail("household.combine", f"{'、'.join(COMBINE_MODES)} のいずれかを指定してください")
    missing = household.get("missing_guardian", "max")
    if missing != "max" and (not isinstance(missing, int) or isinstance(missing, bool)):
        raise r.fail("household.missing_guardian", "max または整数を指定してください")

    base: dict[Reason, BaseRule] = {}
    for reason_key, spec in r.mapping(top["base"], "base").items():
        try:
            reason = Reason(reason_key)
        except ValueError:
            allowed = "、".join(x.value for x in Reason)
            raise r.fail(f"base.{reason_key}", f"未知の事由コードです(使えるもの: {allowed})") from None
        base[reason] = _base_rule(r, reason, r.mapping(spec, f"base.{reason_key}"), sources)

    adjustments = tuple(
        _adjustment(r, i, r.mapping(a, f"adjustments[{i}]"), sources)
        for i, a in enumerate(top.get("adjustments") or [])
    )
    seen: set[str] = set()
    for a in adjustments:
        if a.id in seen:
            raise r.fail("adjustments", f"id「{a.id}」が重複しています")
        seen.add(a.id)

    tie_breaks = _tie_breaks(r, top.get("tie_break"), sources)

    top_provenance = {"household": r.provenance(household, sources, "household")}
    limit = top.get("choice_limit")
    if isinstance(limit, Mapping) and "value" in limit:
        top_provenance["choice_limit"] = r.provenance(limit, sources, "choice_limit")
        limit = limit["value"]
    elif limit is not None:
        top_provenance["choice_limit"] = Provenance()
    return Rules(
        name=name,
        municipality=r.text(top["municipality"], "municipality"),
        code=str(top.get("code", "")),
        title=str(top.get("title", "")),
        sources=sources,
        choice_limit=r.dated(limit, "choice_limit") if limit is not None else None,
        combine=combine,
        missing_guardian=missing,
        base=base,
        adjustments=adjustments,
        tie_breaks=tie_breaks,
        sha256=sha256,
        version=str(top.get("version", sha256[:12])),
        provenance=top_provenance,
        document=_document(r, top),
    )


def _document(r: _Reader, top: Mapping[str, Any]) -> str:
    """The document letters cite: `document`, else the municipality's 利用調整基準 (never the staff title)."""
    if "document" not in top:
        return f"{top['municipality']}保育所等利用調整基準"
    text = r.text(top["document"], "document")
    if _ADDRESS.search(text):
        raise r.fail("document", "通知書に載せる文書名です。URL は書かないでください")
    return text


def _tie_breaks(
    r: _Reader, spec: Any, sources: Mapping[str, Source]
) -> tuple[tuple[int, tuple[TieBreak, ...]], ...]:
    """`tie_break`: one list for every year, or {from_year: list} for a chain that changes by fiscal year."""
    if spec is None:
        return ((0, ()),)
    if isinstance(spec, Mapping):
        chains = []
        for year, chain in spec.items():
            if not isinstance(year, int) or isinstance(year, bool):
                raise r.fail("tie_break", "年度(整数)→ 優先順位の並び の対応が必要です")
            chains.append((year, _tie_chain(r, chain, sources, f"tie_break.{year}")))
        if not chains:
            raise r.fail("tie_break", "年度ごとの優先順位が空です")
        return tuple(sorted(chains, key=lambda c: c[0]))
    return ((0, _tie_chain(r, spec, sources, "tie_break")),)


def _tie_chain(r: _Reader, spec: Any, sources: Mapping[str, Source], where: str) -> tuple[TieBreak, ...]:
    if not isinstance(spec, list):
        raise r.fail(where, "優先順位の並び(リスト)が必要です")
    chain = []
    for i, t in enumerate(spec):
        t = r.mapping(t, f"{where}[{i}]")
        key = r.text(t.get("key"), f"{where}[{i}].key")
        if key not in TIE_BREAK_KEYS:
            raise r.fail(f"{where}[{i}].key", f"未知のキー「{key}」です")
        direction = t.get("direction", "higher")
        if direction not in ("higher", "lower"):
            raise r.fail(f"{where}[{i}].direction", "higher または lower を指定してください")
        provenance = r.provenance(t, sources, f"{where}[{i}]")
        chain.append(TieBreak(key, direction, str(t.get("label") or key), provenance))
    if len({t.key for t in chain}) != len(chain):
        raise r.fail(where, "同じキーが2回あります")
    return tuple(chain)


def _base_rule(
    r: _Reader, reason: Reason, spec: Mapping[str, Any], sources: Mapping[str, Source]
) -> BaseRule:
    where = f"base.{reason.value}"
    kinds = [k for k in ("table", "grades", "points") if k in spec]
    if len(kinds) != 1:
        raise r.fail(where, "table・grades・points のどれか1つを書いてください")
    provenance = r.provenance(spec, sources, where)
    rows = []
    for i, row in enumerate(spec.get("table") or []):
        row = r.mapping(row, f"{where}.table[{i}]")
        conditions: dict[str, float] = {}
        for key, value in row.items():
            if key == "points" or key in PROVENANCE_KEYS:
                continue
            if key not in TABLE_CONDITIONS:
                raise r.fail(f"{where}.table[{i}]", f"未知の条件「{key}」です")
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise r.fail(f"{where}.table[{i}].{key}", "数値が必要です")
            conditions[key] = float(value)
        points = r.dated(row.get("points"), f"{where}.table[{i}].points")
        rows.append(
            TableRow(conditions, points, r.provenance(row, sources, f"{where}.table[{i}]", provenance))
        )
    grades = None
    grade_provenance: dict[str, Provenance] = {}
    if "grades" in spec:
        grades = {}
        for g, v in r.mapping(spec["grades"], where).items():
            at = f"{where}.grades.{g}"
            if isinstance(v, Mapping) and "points" in v:
                grade_provenance[str(g)] = r.provenance(v, sources, at, provenance)
                v = v["points"]
            else:
                grade_provenance[str(g)] = provenance
            grades[str(g)] = r.dated(v, at)
    # The item's provenance is that of its first value (the rule-level keys are the rows' default), so that
    # a workbook, which has one row per value, describes the same rules.
    if rows:
        provenance = rows[0].provenance
    elif grades:
        provenance = grade_provenance[next(iter(grades))]
    return BaseRule(
        reason=reason,
        label=str(spec.get("label") or reason.value),
        source=provenance.source,
        provenance=provenance,
        grade_provenance=grade_provenance,
        table=tuple(rows),
        otherwise=r.dated(spec["otherwise"], f"{where}.otherwise") if "otherwise" in spec else None,
        grades=grades,
        points=r.dated(spec["points"], f"{where}.points") if "points" in spec else None,
    )


def _adjustment(r: _Reader, i: int, spec: Mapping[str, Any], sources: Mapping[str, Source]) -> Adjustment:
    where = f"adjustments[{i}]"
    try:
        scope = Scope(spec.get("scope", Scope.HOUSEHOLD))
    except ValueError:
        raise r.fail(f"{where}.scope", "household または facility を指定してください") from None
    conditions = []
    for key, value in r.mapping(spec.get("when"), f"{where}.when").items():
        if key not in CONDITION_KEYS:
            raise r.fail(f"{where}.when", f"未知のキー「{key}」です")
        if key in FACILITY_KEYS and scope != Scope.FACILITY:
            raise r.fail(f"{where}.when", f"{key} は scope: facility のときだけ使えます")
        if isinstance(value, Mapping):
            if len(value) != 1 or next(iter(value)) not in OPERATORS:
                raise r.fail(f"{where}.when.{key}", f"{'・'.join(OPERATORS)} のどれか1つを書いてください")
            op, operand = next(iter(value.items()))
            conditions.append(Condition(str(key), str(op), operand))
        else:
            conditions.append(Condition(str(key), "eq", value))
    provenance = r.provenance(spec, sources, where)
    return Adjustment(
        id=r.text(spec.get("id"), f"{where}.id"),
        label=r.text(spec.get("label", spec.get("id")), f"{where}.label"),
        when=tuple(conditions),
        points=r.dated(spec.get("points"), f"{where}.points"),
        scope=scope,
        source=provenance.source,
        provenance=provenance,
    )
