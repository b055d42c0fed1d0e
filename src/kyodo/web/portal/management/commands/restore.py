"""`kyodo web manage restore FILE`: put a backup back (replaces the database and the stored files)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kyodo.web.backup import BackupError, restore


class Command(BaseCommand):
    help = "バックアップからデータベースと保存ファイルを戻します(今の内容は置き換わります)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="kyodo web manage backup が書いたファイル")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["file"].is_file():
            raise CommandError(f"{options['file']} が見つかりません")
        try:
            manifest = restore(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"戻しました: {manifest['created']} のバックアップ(表 {len(manifest['tables'])}、"
                          f"ファイル {len(manifest['files'])})。件数はバックアップと一致しています。")
