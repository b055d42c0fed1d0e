"""`kyodo web manage jirei_reindex`: recompute every case's search tokens (after the synonym list changed)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kyodo.web.jirei.services import reindex


class Command(BaseCommand):
    help = "すべての事例の検索用の語を作り直します(同義語リストを変えたあとに実行)。"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{reindex()}件の事例の索引を作り直しました。")
