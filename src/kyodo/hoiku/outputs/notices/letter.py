"""Letter details printed on every notice: 文書番号, 発行日, 区長名 (公印省略), the contact section and phone.

They come from organisation settings (web) or a settings file (CLI, TOML or YAML):

    document_number = "江保保第1234号"
    issue_date = 2027-02-01
    mayor = "江東 太郎"
    contact_section = "こども未来部 保育課 入園相談係"
    contact_phone = "03-3647-0000"

`read_letter_settings(path)` checks every key and names it in Japanese; nothing is guessed.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from kyodo.problems import InputError, Problem

SEAL_OMITTED = "（公印省略）"
FIELDS: Mapping[str, str] = {
    "document_number": "文書番号",
    "issue_date": "発行日",
    "mayor": "区長名",
    "contact_section": "問い合わせ先(担当課)",
    "contact_phone": "問い合わせ先の電話番号",
}
MAX_LENGTH = 60
_PHONE = re.compile(r"^[0-9０-９][0-9０-９\-－(（)）\s]{5,20}$")
_ERA_START = date(2019, 5, 1)  # 令和

DRAFT_STAMP = "案"  # printed on every page of a notice that does not come from a confirmed (確定) run


@dataclass(frozen=True, slots=True)
class LetterSettings:
    document_number: str
    issue_date: date
    mayor: str
    contact_section: str
    contact_phone: str

    def sender(self, municipality: str) -> str:
        """「江東区長 江東 太郎（公印省略）」."""
        return f"{municipality}長 {self.mayor}{SEAL_OMITTED}"

    @property
    def contact(self) -> str:
        return f"{self.contact_section} 電話 {self.contact_phone}"


def japanese_date(day: date) -> str:
    """令和9年2月1日 (令和元年 for 2019); dates before 令和 as 平成."""
    if day >= _ERA_START:
        year, era = day.year - 2018, "令和"
    else:
        year, era = day.year - 1988, "平成"
    return f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"


def letter_settings(values: Mapping[str, Any], file: str) -> LetterSettings:
    """Validate a mapping of the keys above; every problem names the key. Raises kyodo.problems.InputError."""
    problems: list[Problem] = []
    for key in values:
        if key not in FIELDS:
            allowed = "、".join(f"{k}({v})" for k, v in FIELDS.items())
            problems.append(Problem(f"「{key}」は使えないキーです(使えるもの: {allowed})", file=file))
    texts: dict[str, str] = {}
    for key, label in FIELDS.items():
        value = values.get(key)
        if key == "issue_date":
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(Problem(f"{key}({label})がありません", file=file))
        elif not isinstance(value, str):
            problems.append(Problem(f"{key}({label})は文字列で書いてください", file=file))
        elif len(value) > MAX_LENGTH or any(ord(c) < 32 for c in value):
            problems.append(
                Problem(f"{key}({label})は改行を含まない{MAX_LENGTH}文字以内にしてください", file=file)
            )
        else:
            texts[key] = value.strip()
    if "contact_phone" in texts and not _PHONE.match(texts["contact_phone"]):
        problems.append(
            Problem(
                f"contact_phone(問い合わせ先の電話番号)「{texts['contact_phone']}」は電話番号"
                "(例 03-3647-0000)の形ではありません",
                file=file,
            )
        )
    issued = _issue_date(values.get("issue_date"), file, problems)
    if problems:
        raise InputError(problems)
    assert issued is not None
    return LetterSettings(
        texts["document_number"], issued, texts["mayor"], texts["contact_section"], texts["contact_phone"]
    )


def _issue_date(value: Any, file: str, problems: list[Problem]) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    if value is None:
        problems.append(Problem("issue_date(発行日)がありません", file=file))
    else:
        problems.append(
            Problem(f"issue_date(発行日)「{value}」は日付(2027-02-01 の形)ではありません", file=file)
        )
    return None


def read_letter_settings(path: Path) -> LetterSettings:
    """A .toml, .yaml or .yml settings file. Raises kyodo.problems.InputError naming the file and key."""
    file = path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError([Problem(f"ファイルを開けません({exc.strerror})", file=file)]) from exc
    except UnicodeDecodeError:
        raise InputError([Problem("UTF-8 のテキストとして読めません", file=file)]) from None
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            data: Any = tomllib.loads(text)
        elif suffix in (".yaml", ".yml"):
            data = yaml.safe_load(text)
        else:
            raise InputError([Problem("通知書の設定は .toml か .yaml のファイルにしてください", file=file)])
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise InputError([Problem(f"{suffix[1:].upper()} として読めません({exc})", file=file)]) from exc
    if not isinstance(data, Mapping):
        raise InputError([Problem("「キー = 値」の並びが必要です", file=file)])
    return letter_settings(data, file)
