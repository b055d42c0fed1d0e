from __future__ import annotations

import json
from pathlib import Path

from kyodo.cli import main

from .helpers import DATA, EXAMPLES

BAD = Path(__file__).parent / "bad"


def test_merge_with_a_conflict_exits_2_and_lists_it(tmp_path: Path, capsys):
    out, conflicts = tmp_path / "merged.md", tmp_path / "c.json"
    code = main(["shishin", "merge", str(DATA / "ai-guideline-1.0.md"), str(EXAMPLES / "koto-ai-edition.md"),
                 str(DATA / "ai-guideline-1.1.md"), "-o", str(out), "--conflicts", str(conflicts)])
    assert code == 2
    [c] = json.loads(conflicts.read_text(encoding="utf-8"))
    assert (c["section"], c["kind"]) == ("outputs", "both_changed")
    assert "係長の確認を受けます" in c["ours"] and "根拠となる資料" in c["theirs"]
    text = out.read_text(encoding="utf-8")
    assert "<<<<<<< 自治体版" in text and ">>>>>>> 東京都 第1.1版" in text
    assert "東京都の変更 8 文を反映" in capsys.readouterr().out


def test_a_clean_merge_exits_0(tmp_path: Path):
    out = tmp_path / "merged.md"
    code = main(["shishin", "merge", str(DATA / "service-principles-1.0.md"), str(DATA / "service-principles-1.0.md"),
                 str(DATA / "service-principles-1.1.md"), "-o", str(out), "--vars", str(EXAMPLES / "koto-vars.yaml")])
    assert code == 1  # 担当部署 is not a variable of the principles: the values file is refused
    vars_file = tmp_path / "vars.yaml"
    vars_file.write_text("自治体名: 江東区\n", encoding="utf-8")
    code = main(["shishin", "merge", str(DATA / "service-principles-1.0.md"), str(DATA / "service-principles-1.0.md"),
                 str(DATA / "service-principles-1.1.md"), "-o", str(out), "--vars", str(vars_file)])
    assert code == 0 and "支援付きの手続" in out.read_text(encoding="utf-8")


def test_bad_input_exits_1_and_writes_nothing(tmp_path: Path, capsys):
    out = tmp_path / "merged.md"
    code = main(["shishin", "merge", str(BAD / "unknown-licence.md"), str(EXAMPLES / "koto-ai-edition.md"),
                 str(DATA / "ai-guideline-1.1.md"), "-o", str(out)])
    assert code == 1 and not out.exists()
    assert "unknown-licence.md 5行目: ライセンス「GPL-3.0」は扱えません" in capsys.readouterr().err


def test_render_writes_each_format(tmp_path: Path):
    for fmt in ("html", "docx"):  # PDF: test_render.py (the font takes seconds to embed)
        out = tmp_path / f"out.{fmt}"
        assert main(["shishin", "render", str(DATA / "ai-guideline-1.1.md"), "--vars",
                     str(EXAMPLES / "koto-vars.yaml"), "-o", str(out)]) == 0
        assert out.stat().st_size > 1000
    html = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert "江東区の職員" in html and "を江東区が加工して作成したものです" in html


def test_render_refuses_an_unknown_extension(tmp_path: Path, capsys):
    assert main(["shishin", "render", str(DATA / "ai-guideline-1.1.md"), "-o", str(tmp_path / "x.txt")]) == 1
    assert ".html / .docx / .pdf" in capsys.readouterr().err
