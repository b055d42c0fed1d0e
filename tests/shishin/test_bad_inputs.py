"""The corpus of bad inputs in bad/: each gives a Japanese message naming the file and the line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kyodo.problems import InputError
from kyodo.shishin import variables
from kyodo.shishin.parse import parse_document, read_document, read_variables

BAD = Path(__file__).parent / "bad"


@pytest.mark.parametrize(("name", "expected"), [
    ("no-front-matter.md", "no-front-matter.md 1行目: 先頭にメタデータ(--- で囲んだ YAML)がありません"),
    ("malformed-yaml.md", "malformed-yaml.md 5行目: メタデータの YAML を読めません"),
    ("missing-version.md", "missing-version.md 1行目: メタデータに「version」(版)がありません"),
    ("unknown-licence.md", "unknown-licence.md 5行目: ライセンス「GPL-3.0」は扱えません"),
    ("bad-version.md", "bad-version.md 4行目: 版「第一版」は 1.0 や 1.1 のように書いてください"),
    ("bad-date.md", "bad-date.md 6行目: 日付「4月1日」は 2026-04-01 のように書いてください"),
    ("duplicate-heading.md", "duplicate-heading.md 11行目: 見出し「目的」が 7行目と重複しています"),
    ("unclosed-front-matter.md", "unclosed-front-matter.md 1行目: メタデータの終わり(---)がありません"),
    ("not-utf8.md", "not-utf8.md 1行目: UTF-8 の文字として読めません"),
])
def test_a_bad_document_names_file_and_line(name, expected):
    with pytest.raises(InputError) as caught:
        read_document(BAD / name)
    assert expected in str(caught.value)


def test_every_missing_variable_is_named_with_its_line():
    doc = read_document(BAD / "unknown-variable.md")
    with pytest.raises(InputError) as caught:
        variables.apply(doc, {"担当部署": "情報課"}, "unknown-variable.md")
    assert str(caught.value) == "unknown-variable.md 9行目: 変数「電話番号」の値がありません"


def test_a_value_for_a_variable_the_document_does_not_have_is_refused():
    doc = read_document(BAD / "unknown-variable.md")
    values = read_variables(BAD / "vars-unknown-name.yaml")
    with pytest.raises(InputError, match=re.escape("vars-unknown-name.yaml: 変数「誤字の変数」は文書「指針」にありません")):
        variables.apply(doc, {**values, "電話番号": "03"}, "unknown-variable.md", "vars-unknown-name.yaml")


def test_a_malformed_variables_file_names_its_line():
    with pytest.raises(InputError, match=re.escape("vars-malformed.yaml 1行目: 変数の YAML を読めません")):
        read_variables(BAD / "vars-malformed.yaml")


def test_a_missing_file_is_an_input_error():
    with pytest.raises(InputError, match=re.escape("ない.md: ファイルを読めません")):
        read_document(BAD / "ない.md")


def test_every_problem_is_reported_at_once():
    text = "---\ntitle: 指針\npublisher: 東京都\nversion: x\nlicence: MIT\n---\n"
    with pytest.raises(InputError) as caught:
        parse_document(text, "a.md")
    assert len(caught.value.problems) == 2
