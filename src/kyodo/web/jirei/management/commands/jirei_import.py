"""`kyodo web manage jirei_import FILE`: load cases from Excel/CSV (the 事例ID… columns), all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kyodo.problems import InputError
from kyodo.web.jirei.operations import import_file


class Command(BaseCommand):
    help = "事例の Excel/CSV を取り込みます(問題が1つでもあれば何も保存しません)。団体の列で組織を決めます。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            counts = import_file(file)
        except InputError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(exc.problems)}件の問題があります。何も保存していません。") from None
        self.stdout.write(f"{file.name}: {counts['created']}件を登録、{counts['updated']}件を更新しました。")
