"""`kyodo web manage backup -o FILE`: the database and the stored files in one archive (kyodo.web.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kyodo.web.backup import BackupError, backup


class Command(BaseCommand):
    help = "データベースと保存ファイルを1つのバックアップファイルに書き出します"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, type=Path, help="バックアップの出力先(.tar)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup(options["output"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(f"バックアップしました: {options['output']}(表 {len(manifest['tables'])}、行 {rows}、"
                          f"ファイル {len(manifest['files'])})")
