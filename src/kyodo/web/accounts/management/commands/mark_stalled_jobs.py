"""`kyodo web manage mark_stalled_jobs`: mark background jobs whose worker died as failed (`kyodo.web.jobs`).

The worker runs it when it starts (`kyodo web worker`); run it from cron too, so that lists show the truth even
while no worker is running.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kyodo.web import jobs


class Command(BaseCommand):
    help = "止まったバックグラウンド処理(ワーカーが終了したもの)を失敗として記録します"

    def handle(self, *args: Any, **options: Any) -> None:
        marked = jobs.mark_stalled_jobs()
        for job in marked:
            self.stdout.write(f"{job._meta.label} {job.pk}: 失敗として記録しました({job.error})")  # type: ignore[attr-defined]
        self.stdout.write(f"止まった処理 {len(marked)} 件を失敗として記録しました。")
