"""`kyodo web manage jirei_demo`: the seed's two 江東区 cases and generated cases from all of Tokyo, imported."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kyodo.jirei.generate import generate_cases
from kyodo.web.jirei import services
from kyodo.web.jirei.operations import organisations_of


class Command(BaseCommand):
    help = "デモ用の事例(江東区の2事例と合成の事例)を取り込みます。もう一度実行すると同じ事例IDを更新します。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--count", type=int, default=300)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, count: int, seed: int, **options: Any) -> None:
        records = generate_cases(count, seed)
        counts = services.import_records(records, organisations_of(records, "demo"), None)
        self.stdout.write(f"デモの事例: {counts['created']}件を登録、{counts['updated']}件を更新しました。")
