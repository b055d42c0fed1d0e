"""The controlled vocabulary of case records: fields, technologies, statuses, size bands (`data/vocabulary.yaml`).

Values a clerk types (in a file or a form) are resolved here: NFKC, no spaces, and the aliases of each name, so that
「ＡＩ－ＯＣＲ」, 「AI OCR」 and 「AIOCR」 all become the one technology 「AI-OCR」.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from types import MappingProxyType

import yaml

from kyodo.municipalities import lookup


class Status(StrEnum):
    """Where a case stands. The web app's TextChoices take these values."""

    CONSIDERING = "検討中"
    TRIAL = "実証中"
    ADOPTED = "導入済み"
    NOT_ADOPTED = "実証したが導入せず"
    STOPPED = "中止"


TOKYO_BAND = "都"


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


@dataclass(frozen=True, slots=True)
class Vocabulary:
    fields: tuple[str, ...]
    technologies: tuple[str, ...]
    failed_statuses: frozenset[Status]
    failure_words: tuple[str, ...]  # longest first, NFKC
    size_bands: tuple[tuple[str, int], ...]  # (name, min population), largest first
    _field_keys: Mapping[str, str]
    _technology_keys: Mapping[str, str]
    _status_keys: Mapping[str, Status]

    def field(self, text: str) -> str | None:
        return self._field_keys.get(_key(text))

    def technology(self, text: str) -> str | None:
        return self._technology_keys.get(_key(text))

    def status(self, text: str) -> Status | None:
        return self._status_keys.get(_key(text))

    def band(self, population: int) -> str:
        return next(name for name, minimum in self.size_bands if population >= minimum)

    def band_of(self, organisation: str) -> str:
        """The size band of a municipality (name or code); 都 for Tokyo itself and for any other organisation."""
        found = lookup(organisation)
        return self.band(found.population) if found is not None else TOKYO_BAND

    @property
    def band_names(self) -> tuple[str, ...]:
        return (*(name for name, _ in self.size_bands), TOKYO_BAND)


def _names(raw: list[dict[str, object]]) -> tuple[tuple[str, ...], dict[str, str]]:
    names: list[str] = []
    keys: dict[str, str] = {}
    for entry in raw:
        name = str(entry["name"])
        names.append(name)
        aliases = entry.get("aliases") or []
        for alias in (name, *(str(a) for a in aliases)):  # type: ignore[attr-defined]
            if _key(alias) in keys and keys[_key(alias)] != name:
                raise ValueError(f"vocabulary: {alias!r} names both {keys[_key(alias)]!r} and {name!r}")
            keys[_key(alias)] = name
    return tuple(names), keys


@cache
def vocabulary() -> Vocabulary:
    raw = yaml.safe_load(resources.files("kyodo.jirei").joinpath("data/vocabulary.yaml").read_text("utf-8"))
    fields, field_keys = _names(raw["fields"])
    technologies, technology_keys = _names(raw["technologies"])
    _, status_names = _names(raw["statuses"])
    if {Status(v) for v in status_names.values()} != set(Status):
        raise ValueError("vocabulary: statuses must be exactly the five Status values")
    return Vocabulary(
        fields=fields, technologies=technologies,
        failed_statuses=frozenset(Status(s) for s in raw["failed_statuses"]),
        failure_words=tuple(sorted((unicodedata.normalize("NFKC", w) for w in raw["failure_words"]),
                                   key=len, reverse=True)),
        size_bands=tuple(sorted(((b["name"], int(b["min_population"])) for b in raw["size_bands"]),
                                key=lambda b: -b[1])),
        _field_keys=MappingProxyType(field_keys), _technology_keys=MappingProxyType(technology_keys),
        _status_keys=MappingProxyType({k: Status(v) for k, v in status_names.items()}),
    )
