"""A ward's own versions of its rules, as the web stores them: the YAML text (the diffable form) and its example
households. No Django here: reading an upload, the canonical text of a version, and running its examples.

Every version's text is the canonical form the rules workbook gives (`import_workbook` then `dump_yaml`), whether
it was started from a shipped ward, uploaded as a workbook or uploaded as YAML; so the workbook downloaded from a
version and uploaded again gives the same text, and two versions differ only where their values do.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from kyodo.hoiku.model.errors import RuleError
from kyodo.hoiku.rules.cases import load_cases, score_case
from kyodo.hoiku.rules.loader import DATA_DIR, Rules, load_rules, parse_rules, parse_yaml
from kyodo.hoiku.rules.workbook import export_workbook
from kyodo.hoiku.rules.workbook_import import dump_yaml, import_workbook
from kyodo.problems import InputError, Problem

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class VersionText:
    """What a version stores: the rules and the examples as YAML text, and the rules they load as."""

    rules_yaml: str
    cases_yaml: str
    rules: Rules


@dataclass(frozen=True, slots=True)
class CaseResult:
    name: str
    fiscal_year: int | None
    expected: int | None
    computed: int | None
    mismatches: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.mismatches


def rules_from_text(text: str, *, name: str, file_name: str) -> Rules:
    """The Rules of a stored YAML text (its sha256 is that of the text's UTF-8 bytes). Raises RuleError."""
    try:
        data = parse_yaml(text)
    except yaml.YAMLError as exc:
        raise RuleError(f"{file_name}: YAML として読めません({exc})") from exc
    return parse_rules(data, name=name, file_name=file_name, sha256=hashlib.sha256(text.encode()).hexdigest())


def shipped_text(name: str) -> str:
    """The shipped ward's YAML exactly as shipped (so its Rules equal `load_rules(name)`, sha256 included)."""
    load_rules(name)  # a RuleError naming the known wards for an unknown name
    return (DATA_DIR / f"{name}.yaml").read_bytes().decode("utf-8")


def cases_of(cases_yaml: str) -> list[dict[str, Any]]:
    data = yaml.safe_load(cases_yaml) if cases_yaml.strip() else []
    return list(data or [])


def _texts(doc: Mapping[str, Any], cases: Sequence[Mapping[str, Any]], rules: Rules, origin: str) -> VersionText:
    return VersionText(
        dump_yaml(dict(doc), f"{rules.municipality} 利用調整基準({origin})"),
        dump_yaml(list(cases), f"{rules.municipality} 利用調整基準の例({origin})"),
        rules,
    )


def from_workbook(data: bytes, file: str, origin: str = "") -> VersionText:
    """A version from a rules workbook's bytes: every problem by sheet, row and column (InputError)."""
    doc, cases, rules = import_workbook(data, file)
    return _texts(doc, cases, rules, origin or f"{file} から取り込み")


def from_rules(rules: Rules, cases: Sequence[Mapping[str, Any]], origin: str) -> VersionText:
    """The canonical version of loaded rules and their examples (through the workbook, which is lossless)."""
    return from_workbook(export_workbook(rules, cases), "利用調整基準.xlsx", origin)


def from_shipped(name: str) -> VersionText:
    rules = load_rules(name)
    return from_rules(rules, load_cases(name), f"同梱の基準「{name}」から作成")


def from_yaml(data: bytes, file: str, cases_data: bytes | None = None, cases_file: str = "") -> VersionText:
    """A version from an uploaded rules YAML (and optionally its .cases.yaml). Raises InputError."""
    text = _decode(data, file)
    try:
        rules = rules_from_text(text, name=file.rsplit(".", 1)[0], file_name=file)
    except RuleError as exc:
        lines = [line.removeprefix(f"{file}: ") for line in str(exc).splitlines() if line.strip()]
        raise InputError([Problem(line, file=file) for line in lines]) from exc
    cases: list[dict[str, Any]] = []
    if cases_data is not None:
        cases = _yaml_cases(_decode(cases_data, cases_file), cases_file)
    problems = [
        Problem(f"{n}番目の例「{c.get('name', '')}」: {message}", file=cases_file)
        for n, c in enumerate(cases, start=1)
        for message in score_case(rules, c)[1]
    ]
    if problems:
        raise InputError(problems)
    return from_rules(rules, cases, f"{file} から取り込み")


def _decode(data: bytes, file: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([Problem("UTF-8 のテキストとして読めません", file=file)]) from None


def _yaml_cases(text: str, file: str) -> list[dict[str, Any]]:
    try:
        data = yaml.safe_load(text) or []
    except yaml.YAMLError as exc:
        raise InputError([Problem(f"YAML として読めません({exc})", file=file)]) from exc
    if not isinstance(data, list) or not all(isinstance(c, dict) for c in data):
        raise InputError([Problem("例の並び(リスト)が必要です", file=file)])
    return data


def run_cases(rules: Rules, cases: Sequence[Mapping[str, Any]]) -> list[CaseResult]:
    """Each example household scored under the rules: expected and computed total, and what differs."""
    results = []
    for case in cases:
        computed, mismatches = score_case(rules, case)
        expected = (case.get("output") or {}).get("total")
        year = case.get("fiscal_year")
        results.append(
            CaseResult(
                name=str(case.get("name", "")),
                fiscal_year=year if isinstance(year, int) else None,
                expected=expected if isinstance(expected, int) else None,
                computed=computed,
                mismatches=tuple(mismatches),
            )
        )
    return results
