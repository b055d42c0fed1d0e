"""The demo guidelines (`kyodo/shishin/data/`) loaded for 東京都: version 1.0 published, 1.1 as a draft to publish."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from kyodo.web.shishin import services
from kyodo.web.shishin.models import Guideline

DATA = Path(__file__).resolve().parents[2] / "shishin" / "data"
DEMOS = ("ai-guideline", "service-principles")


@transaction.atomic
def load(user: Any) -> int:
    """Loads the demo guidelines not loaded yet; returns how many it loaded."""
    made = 0
    for stem in DEMOS:
        first = (DATA / f"{stem}-1.0.md").read_text(encoding="utf-8")
        title = services.check_upstream(first, stem, user.organisation.name).meta.title
        if Guideline.objects.for_org(user.organisation_id).filter(title=title).exists():
            continue
        version = services.create_guideline(user, first)
        services.publish(version, user)
        draft = services.create_draft(version.guideline, user)
        services.save_draft(draft, user, (DATA / f"{stem}-1.1.md").read_text(encoding="utf-8"))
        made += 1
    return made
