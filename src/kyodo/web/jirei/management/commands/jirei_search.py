"""`kyodo web manage jirei_search "QUERY" --json`: the search of the web app, for operators and scripts.

Searches published cases (with `--organisation`, that organisation's drafts too). Prints case ids best first: the
事例ID where a case has one, else its number.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kyodo.jirei.rank import Filters
from kyodo.web.accounts.models import Organisation
from kyodo.web.jirei.models import Case
from kyodo.web.jirei.operations import public_id
from kyodo.web.jirei.search import search_cases


class Command(BaseCommand):
    help = "事例を検索し、事例IDを順位順に表示します(--json で JSON のリスト)。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("query")
        parser.add_argument("--json", action="store_true", help="事例IDの JSON リストを出す")
        parser.add_argument("--limit", type=int, default=20)
        parser.add_argument("--failures", action="store_true", help="導入に至らなかった事例だけ")
        parser.add_argument("--organisation", help="この組織(名前か団体コード)の下書きも含める")

    def handle(self, *args: Any, query: str, json: bool, limit: int, failures: bool, organisation: str | None,
               **options: Any) -> None:
        viewer = None
        if organisation:
            org = Organisation.objects.filter(code=organisation).first() or \
                Organisation.objects.filter(name=organisation).first()
            if org is None:
                raise CommandError(f"組織「{organisation}」が見つかりません。")
            viewer = org.pk
        result = search_cases(viewer, query, Filters(failures_only=failures), limit=limit)
        names = dict(Case.objects.unscoped("ids from the search above").filter(pk__in=result.ids)
                     .values_list("pk", "external_id"))
        ids = [public_id(names.get(pk, ""), pk) for pk in result.ids]
        if json:
            self.stdout.write(_dumps(ids))
            return
        self.stdout.write(f"{result.total}件")
        for case_id in ids:
            self.stdout.write(case_id)


def _dumps(ids: list[str]) -> str:
    return json.dumps(ids, ensure_ascii=False)
