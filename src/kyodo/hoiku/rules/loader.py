"""Read and validate a rules file into typed, immutable rule objects.

Every problem names the file and the place in it (e.g. `adjustments[2].when`), in Japanese,
because the people who maintain these files are ward clerks.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from kyodo.hoiku.model.errors import RuleError
from kyodo.hoiku.model.instance import CHILD_FACTS, HOUSEHOLD_FACTS, Reason

DATA_DIR = Path(__file__).parent / "data"

TABLE_CONDITIONS: Mapping[str, str] = {
    "min_days_per_month": "月の就労日数",
    "min_hours_per_day": "1日の就労時間",
    "min_hours_per_month": "月の就労時間",
    "min_days_per_week": "週の就労日数",
    "min_hours_per_week": "週の就労時間",
}
DERIVED_KEYS: Mapping[str, str] = {
    "age_class": "年齢クラス",
    "is_transfer": "転園申込",
    "reasons": "保護者の事由",
    "siblings_applying": "きょうだい同時申込",
    "sibling_enrolled_here": "きょうだいがその施設に在園",
    "sibling_graduating_here": "その施設に在園のきょうだいが卒園予定",
}
FACILITY_KEYS = frozenset({"sibling_enrolled_here", "sibling_graduating_here"})  # only with scope: facility
CONDITION_KEYS: frozenset[str] = frozenset(HOUSEHOLD_FACTS) | frozenset(CHILD_FACTS) | frozenset(DERIVED_KEYS)
TIE_BREAK_KEYS: frozenset[str] = (
    frozenset({"base_points", "adjustment_points", "lower_guardian_points", "choice_rank", "birth_date"})
    | frozenset(HOUSEHOLD_FACTS)
    | frozenset(CHILD_FACTS)
)
COMBINE_MODES = ("sum", "lower_doubled", "lower")
OPERATORS = ("min", "max", "in", "contains")
PROVENANCE_KEYS = ("source", "section", "status", "confirmed_by", "confirmed_on", "note")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A section is printed on residents' letters: the place in the ward's document, never an address.
_ADDRESS = re.compile(r"https?:|www\.|\.(?:jp|com|net|org)\b", re.IGNORECASE)
TRIAL_STAMP = "試行・未確定"


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    title: str
    url: str | None = None
    confirm: bool = False  # from a third-party summary: the municipality must confirm it


class Status(StrEnum):
    """Whether the ward's staff checked a value against the ward's own current document."""

    CONFIRMED = "確認済み"
    TO_CONFIRM = "要確認"


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where one value comes from and who checked it. `note` is for staff only, never for letters."""

    source: Source | None = None
    section: str = ""  # e.g. 「別表1 2(1)」
    status: Status = Status.TO_CONFIRM
    confirmed_by: str = ""
    confirmed_on: str = ""  # ISO date
    note: str = ""

    @property
    def confirmed(self) -> bool:
        return self.status == Status.CONFIRMED


@dataclass(frozen=True, slots=True)
class Dated:
    """An integer that changes by fiscal year: ((from_year, value), …) in ascending order."""

    values: tuple[tuple[int, int], ...]
    where: str = field(compare=False)  # e.g. "koto.yaml: base.employment.table[0].points", for messages

    def at(self, fiscal_year: int) -> int:
        found: int | None = None
        for year, value in self.values:
            if year <= fiscal_year:
                found = value
        if found is None:
            raise RuleError(f"{self.where}: {fiscal_year}年度の値が定義されていません")
        return found

    @property
    def maximum(self) -> int:
        return max(value for _, value in self.values)


@dataclass(frozen=True, slots=True)
class TableRow:
    conditions: Mapping[str, float]  # key of TABLE_CONDITIONS → minimum
    points: Dated
    provenance: Provenance = Provenance()


@dataclass(frozen=True, slots=True)
class BaseRule:
    reason: Reason
    label: str
    source: Source | None
    table: tuple[TableRow, ...] = ()
    otherwise: Dated | None = None
    grades: Mapping[str, Dated] | None = None
    points: Dated | None = None
    provenance: Provenance = Provenance()  # of the item, and of `points`; rows and grades may differ
    grade_provenance: Mapping[str, Provenance] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Condition:
    """`key` compared with `value` by `op` ("eq", "min", "max", "in", "contains")."""

    key: str
    op: str
    value: Any


class Scope(StrEnum):
    """Where an adjustment counts: at every facility, or only at the facility it names."""

    HOUSEHOLD = "household"
    FACILITY = "facility"


@dataclass(frozen=True, slots=True)
class Adjustment:
    id: str
    label: str
    when: tuple[Condition, ...]
    points: Dated
    scope: Scope
    source: Source | None
    provenance: Provenance = Provenance()


@dataclass(frozen=True, slots=True)
class TieBreak:
    key: str
    direction: str  # "higher" or "lower"
    label: str
    provenance: Provenance = Provenance()


@dataclass(frozen=True, slots=True)
class Rules:
    name: str
    municipality: str
    code: str
    title: str
    sources: Mapping[str, Source]
    choice_limit: Dated | None
    combine: str
    missing_guardian: str | int  # "max" or a number of points
    base: Mapping[Reason, BaseRule]
    adjustments: tuple[Adjustment, ...]
    # The tie-break chain by fiscal year: ((from_year, chain), …) ascending; one chain for all years is (0, chain).
    tie_breaks: tuple[tuple[int, tuple[TieBreak, ...]], ...]
    sha256: str
    version: str
    # Provenance of the rules' top-level values: "household" (how guardians combine) and "choice_limit".
    provenance: Mapping[str, Provenance] = field(default_factory=dict)
    # The ward's own document as residents' letters cite it (e.g. 「江東区保育所等利用調整基準」); never a URL.
    document: str = ""

    @property
    def tie_break(self) -> tuple[TieBreak, ...]:
        """The latest chain (for a given fiscal year use `tie_break_at`)."""
        return self.tie_breaks[-1][1] if self.tie_breaks else ()

    def tie_break_at(self, fiscal_year: int | None) -> tuple[TieBreak, ...]:
        """The chain that applies in `fiscal_year` (the latest from-year not after it). None: the latest chain."""
        if fiscal_year is None:
            return self.tie_break
        found: tuple[TieBreak, ...] | None = None
        for year, chain in self.tie_breaks:
            if year <= fiscal_year:
                found = chain
        if found is None:
            raise RuleError(f"{self.name}: {fiscal_year}年度の同点時の優先順位が定義されていません")
        return found

    def tie_break_where(self, fiscal_year: int | None, index: int) -> str:
        """The values() key of criterion `index` of the chain of `fiscal_year`."""
        years = [y for y, _ in self.tie_breaks if fiscal_year is None or y <= fiscal_year]
        year = years[-1] if years else 0
        return f"tie_break[{index}]" if year == 0 else f"tie_break.{year}[{index}]"

    def citation(self, provenance: Provenance) -> str:
        """What a resident's letter cites for a value: the ward's document and the section, nothing else."""
        return f"{self.document} {provenance.section}".strip()

    def values(self) -> list[tuple[str, Provenance]]:
        """Every value a clerk confirms, with its provenance: (where, provenance), in file order."""
        return [(where, p) for where, _, p in self.described_values()]

    def described_values(self) -> list[tuple[str, str, Provenance]]:
        """(where, a Japanese description for staff, provenance) for every value, in file order."""
        found: list[tuple[str, str, Provenance]] = [
            (k, {"household": "指数の合算", "choice_limit": "希望数の上限"}.get(k, k), p)
            for k, p in self.provenance.items()
        ]
        for reason, rule in self.base.items():
            head = f"基準指数 {rule.label}"
            found += [
                (f"base.{reason.value}.table[{i}]", f"{head} 表の{i + 1}行目", row.provenance)
                for i, row in enumerate(rule.table)
            ]
            found += [
                (f"base.{reason.value}.grades.{g}", f"{head}({g})", p)
                for g, p in rule.grade_provenance.items()
            ]
            if rule.points is not None:
                found.append((f"base.{reason.value}.points", head, rule.provenance))
        found += [(f"adjustments.{a.id}", f"調整指数 {a.label}", a.provenance) for a in self.adjustments]
        for year, chain in self.tie_breaks:
            since = f"({year}年度から)" if year else ""
            found += [
                (self.tie_break_where(year, i), f"同点時の優先順位{since} {i + 1} {t.label}", t.provenance)
                for i, t in enumerate(chain)
            ]
        return found

    def status_counts(self) -> tuple[int, int]:
        """(confirmed, to confirm) over values()."""
        confirmed = sum(1 for _, p in self.values() if p.confirmed)
        return confirmed, len(self.values()) - confirmed

    def max_base_points(self) -> int:
        """The highest base points any row or grade can give (used for a missing guardian)."""
        best = 0
        for rule in self.base.values():
            candidates = [row.points for row in rule.table] + list((rule.grades or {}).values())
            candidates += [d for d in (rule.points, rule.otherwise) if d is not None]
            best = max([best, *(d.maximum for d in candidates)])
        return best


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
        data = yaml.safe_load(raw.decode("utf-8"))
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
