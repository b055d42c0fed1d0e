"""`kyodo gijiroku …` commands. Heavy libraries are imported inside the handlers only."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from kyodo.gijiroku.errors import GijirokuError


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    t = sub.add_parser("transcribe", help="録音から議事録を作る(文字起こし・話者分離・整文・出力)")
    t.add_argument("audio", type=Path, help="録音ファイル(wav・mp3・m4a・mp4)")
    t.add_argument("-o", "--output", type=Path, required=True, help="出力する議事録(.docx または .md)")
    t.add_argument("--speakers", type=int, default=None, help="発言者の人数(分かっている場合)")
    t.add_argument(
        "--transcript",
        type=Path,
        default=None,
        help="文字起こし(生テキストと整文後)の保存先 JSON。既定は出力の横に <名前>.transcript.json",
    )
    t.add_argument("--glossary", type=Path, default=None, help="用語集・訂正リスト(YAML)")
    t.add_argument(
        "--organisation",
        "--organization",
        default=None,
        help="組織の名前かコード(例: 江東区、131083)。その組織の既定の用語(組織名・町名・都内62区市町村・議会の用語)を使う",
    )
    t.add_argument("--no-reading-correction", action="store_true", help="読みによる訂正(カメイド→亀戸など)をしない")
    t.add_argument(
        "--model",
        type=Path,
        default=None,
        help="CTranslate2 形式の Whisper モデルのフォルダー(既定: KYODO_WHISPER_MODEL か同梱の base)",
    )
    t.add_argument("--threads", type=int, default=0, help="音声認識に使う CPU スレッド数(0: すべて)")
    t.add_argument("--max-minutes", type=float, default=None, help="受け付ける録音の長さの上限(分)")
    _minutes_options(t)
    t.set_defaults(handler=_transcribe)

    m = sub.add_parser("minutes", help="確認・修正した文字起こし JSON から議事録を作り直す")
    m.add_argument("transcript", type=Path, help="transcribe が保存した .transcript.json")
    m.add_argument("-o", "--output", type=Path, required=True, help="出力する議事録(.docx または .md)")
    m.add_argument(
        "--glossary", type=Path, default=None, help="用語集・訂正リスト(YAML)。指定すると整文をやり直す"
    )
    _minutes_options(m)
    m.set_defaults(handler=_minutes)

    c = sub.add_parser("clean", help="文を整文ルールで整えて、当てたルールを表示する")
    c.add_argument("text", help="整える文(- なら標準入力から読む)")
    c.set_defaults(handler=_clean)

    r = sub.add_parser("corrections", help="文字起こし JSON で訂正リストが直した箇所を一覧にする(確認用)")
    r.add_argument("transcript", type=Path)
    r.set_defaults(handler=_corrections)

    y = sub.add_parser("synth", help="試しの録音を作る(既知の台本を Open JTalk で読み上げる。開発用)")
    y.add_argument("-o", "--output", type=Path, required=True, help="書き出す WAV ファイル")
    y.add_argument("--topics", type=int, default=2, help="議題の数(1件でおよそ1分)")
    y.add_argument(
        "--script", type=Path, default=None, help="台本(読み上げた文と会議録の文面)を書き出す JSON"
    )
    y.set_defaults(handler=_synth)

    d = sub.add_parser("model", help="音声認識モデルを準備して検証する(同梱モデルの結合とチェックサム確認)")
    d.add_argument("--model", type=Path, default=None, help="CTranslate2 形式の Whisper モデルのフォルダー")
    d.set_defaults(handler=_model)


def _minutes_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--style",
        choices=("full", "summary"),
        default="full",
        help="full: 全文記録(○議長(氏名君)形式) / summary: 要点筆記",
    )
    p.add_argument("--title", default="会議", help="会議の名称")
    p.add_argument("--start", default=None, help="録音開始の日時(例: 2026-11-28 10:00)")
    p.add_argument("--place", default="", help="場所")
    p.add_argument(
        "--names",
        default="",
        help="発言順の発言者名。役職:氏名 をカンマ区切り(例: 議長:山田太郎,事務局長:佐藤花子)",
    )
    p.add_argument("--agenda", action="append", default=[], help="議題(複数可。省略時は発言から推定)")


def _fail(error: GijirokuError) -> int:
    print(f"エラー: {error.message}", file=sys.stderr)
    return 1


def _meeting_info(args: argparse.Namespace) -> Any:
    from kyodo.gijiroku.minutes import MeetingInfo, parse_speaker_names

    started = None
    if args.start:
        try:
            started = datetime.fromisoformat(args.start)
        except ValueError as exc:
            raise GijirokuError(f"--start の日時が読めません(例: 2026-11-28 10:00): {args.start}") from exc
    return MeetingInfo(
        title=args.title,
        started_at=started,
        place=args.place,
        speakers=tuple(parse_speaker_names(args.names)),
        agenda=tuple(args.agenda),
    )


def _meeting_context(args: argparse.Namespace) -> Any:
    """The meeting's own words for the vocabulary: its title, agenda items and the people in --names."""
    from kyodo.gijiroku.minutes import parse_speaker_names
    from kyodo.gijiroku.vocabulary import MeetingContext

    people = [p for n in parse_speaker_names(args.names) for p in (n.role, n.name) if p]
    title = "" if args.title == "会議" else args.title
    return MeetingContext(title=title, agenda=tuple(args.agenda), people=tuple(people))


def _write(transcript: Any, args: argparse.Namespace) -> Path:
    from kyodo.gijiroku.export import format_for, write_minutes
    from kyodo.gijiroku.minutes import build_minutes

    format_for(args.output)
    minutes = build_minutes(transcript, _meeting_info(args), style=args.style)
    return write_minutes(minutes, args.output)


def _transcribe(args: argparse.Namespace) -> int:
    try:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        from kyodo.gijiroku.audio import load_audio
        from kyodo.gijiroku.export import format_for, write_transcript
        from kyodo.gijiroku.glossary import Glossary, load_glossary, organisation_glossary
        from kyodo.gijiroku.model import resolve_model
        from kyodo.gijiroku.pipeline import PipelineOptions, transcribe_audio

        format_for(args.output)  # refuse an unknown output type before hours of work
        _meeting_info(args)
        if args.speakers is not None and args.speakers < 1:
            raise GijirokuError("--speakers は1以上の人数にしてください")
        glossary = load_glossary(args.glossary) if args.glossary else Glossary()
        if args.organisation:
            glossary = organisation_glossary(args.organisation, glossary)
        options = PipelineOptions(
            speakers=args.speakers,
            model=args.model,
            glossary=glossary,
            meeting=_meeting_context(args),
            reading_correction=not args.no_reading_correction,
            max_seconds=args.max_minutes * 60 if args.max_minutes else None,
            cpu_threads=args.threads,
        )
        # Everything that can be refused is checked before the progress bar starts.
        resolve_model(options.model)
        samples = load_audio(args.audio, max_seconds=options.max_seconds)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            transient=False,
        ) as bar:
            task = bar.add_task("準備", total=1.0)
            transcript = transcribe_audio(
                samples,
                options,
                progress=lambda stage, done: bar.update(task, completed=done, description=stage),
            )
            bar.update(task, completed=1.0, description="完了")
        json_path = args.transcript or args.output.with_suffix(".transcript.json")
        write_transcript(transcript, json_path, {"audio": str(args.audio)})
        out = _write(transcript, args)
    except GijirokuError as error:
        return _fail(error)
    print(f"議事録を書き出しました: {out}")
    print(f"文字起こし(生テキストと整文後)を保存しました: {json_path}")
    print(
        f"発言者 {transcript.speaker_count}人、発言 {len(transcript.utterances)}件、録音 {transcript.duration / 60:.1f}分"
    )
    return 0


def _minutes(args: argparse.Namespace) -> int:
    try:
        from kyodo.gijiroku.export import read_transcript
        from kyodo.gijiroku.glossary import load_glossary
        from kyodo.gijiroku.pipeline import clean_utterances

        transcript = read_transcript(args.transcript)
        if args.glossary:
            clean_utterances(transcript.utterances, load_glossary(args.glossary))
        out = _write(transcript, args)
    except GijirokuError as error:
        return _fail(error)
    print(f"議事録を書き出しました: {out}")
    return 0


def _clean(args: argparse.Namespace) -> int:
    from kyodo.gijiroku.cleaning import clean_text, default_rules

    text = sys.stdin.read() if args.text == "-" else args.text
    try:
        rules = default_rules()
        descriptions = {r.id: r.description for r in rules.rules}
        for line in (ln for ln in text.splitlines() if ln.strip()):
            result = clean_text(line, rules)
            print(result.text if result.text else "(相づちのみ: 会議録には載せません)")
            for rule_id in result.applied:
                print(f"  - {rule_id}: {descriptions.get(rule_id, '')}")
    except GijirokuError as error:
        return _fail(error)
    return 0


def _corrections(args: argparse.Namespace) -> int:
    from kyodo.gijiroku.export import read_transcript
    from kyodo.gijiroku.glossary import correction_report

    try:
        rows = correction_report(read_transcript(args.transcript).utterances)
    except GijirokuError as error:
        return _fail(error)
    if not rows:
        print("訂正リストで直した箇所はありません。")
    for row in rows:
        places = "、".join(f"{int(t) // 60}分{int(t) % 60:02d}秒" for t in row["at"])
        print(f"「{row['wrong']}」→「{row['right']}」 {row['count']}件(録音の {places})")
    return 0


def _synth(args: argparse.Namespace) -> int:
    import json

    from kyodo.gijiroku.export import atomic_output, atomic_path

    try:
        from kyodo.gijiroku.synthetic import meeting_script, synthesize
    except ImportError:
        return _fail(GijirokuError("音声合成には pyopenjtalk-plus が必要です(開発用の依存関係: `uv sync`)。"))
    if args.topics < 1:
        return _fail(GijirokuError("--topics は1以上にしてください"))
    if args.output.suffix.lower() != ".wav":
        return _fail(GijirokuError("試しの録音は .wav で書き出します"))
    try:
        with atomic_path(args.output) as tmp:
            meeting = synthesize(meeting_script(args.topics), tmp)
        if args.script:
            with atomic_output(args.script, "w") as text:
                lines = [{"speaker": x.speaker, "spoken": x.spoken, "clean": x.clean} for x in meeting.lines]
                json.dump({"lines": lines}, text, ensure_ascii=False, indent=1)
    except GijirokuError as error:
        return _fail(error)
    print(f"試しの録音を書き出しました: {args.output}({meeting.duration / 60:.1f}分、発言者3人)")
    return 0


def _model(args: argparse.Namespace) -> int:
    from kyodo.gijiroku.model import load_whisper, resolve_model

    try:
        location = resolve_model(args.model)
        load_whisper(location, cpu_threads=1)
    except GijirokuError as error:
        return _fail(error)
    print(f"音声認識モデルを確認しました: {location.name}({location.path})")
    return 0
