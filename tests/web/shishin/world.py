"""People and rows the shishin tests share (plain functions, so the access matrix can use them too).

Tokiko edits guidelines at 東京都. Alice and Bob (江東区) and Charlie (大田区) come from tests/web/conftest.py.
The demo guideline (生成AI利用ガイドライン) is loaded with 第1.0版 published and 第1.1版 as a draft.
"""

from __future__ import annotations

from typing import Any

from django.test import Client

from kyodo.web.accounts.models import Organisation, Role, User
from kyodo.web.shishin import demo, services
from kyodo.web.shishin.models import (
    ChangeProposal,
    Edition,
    Guideline,
    GuidelineRequest,
    GuidelineVersion,
    VersionStatus,
)

from ..conftest import PASSWORD, client_for

TOKYO = "130001"
AI_TITLE = "生成AI利用ガイドライン(モデル)"
KOTO_VALUES = {"自治体名": "江東区", "担当部署": "政策経営部 情報システム課"}
KOTO_LOCAL = "江東区だけの承認の流れは庁内の電子決裁で行います。"


def tokyo() -> Organisation:
    org: Organisation = Organisation.objects.get(code=TOKYO)
    return org


def make_editor(username: str = "tokiko") -> User:
    return User.objects.create_user(username=username, password=PASSWORD, organisation=tokyo(), role=Role.STAFF,
                                    display_name="都 指針")


def load_demo(editor: User) -> tuple[Guideline, GuidelineVersion, GuidelineVersion]:
    """The demo guidelines; returns the AI guideline, its published 第1.0版 and its 第1.1版 draft."""
    demo.load(editor)
    g = Guideline.objects.for_org(tokyo()).get(title=AI_TITLE)
    published = g.versions.get(status=VersionStatus.PUBLISHED)
    draft = g.versions.get(status=VersionStatus.DRAFT)
    return g, published, draft


def make_edition(user: User, g: Guideline, *, local: str = KOTO_LOCAL) -> Edition:
    """An edition with one local edit in section 7 (利用の手続)."""
    ed = services.create_edition(g, user, dict(KOTO_VALUES, 自治体名=user.organisation.name))  # type: ignore[union-attr]
    doc = services.edition_doc(ed.current())
    from kyodo.shishin import edition

    section = doc.section("procedure")
    assert section is not None
    body = edition.section_body(section).rstrip("\n") + local
    services.save_edition(ed, user, edition.replace_body(doc, "procedure", body), "手続を追記")
    return ed


def matrix_objects(o: dict[str, Any]) -> dict[str, Any]:
    """Shishin rows for the access matrix, made once per matrix run and kept in its objects dictionary."""
    if "shishin" in o:
        return o["shishin"]  # type: ignore[no-any-return]
    bob = o["bob"]
    editor = make_editor()
    g, published, draft = load_demo(editor)
    ed = make_edition(bob, g)
    proposal = ChangeProposal.objects.create(
        organisation=bob.organisation, guideline=g, version=published, section_id="purpose", current_text="前",
        proposed_text="江東区からの提案の文。", reason="江東区の内部事情による修正理由", created_by=bob)
    request = GuidelineRequest.objects.create(organisation=bob.organisation, title="江東区がほしいテレワーク指針",
                                              description="江東区の職員の在宅勤務の実情", created_by=bob)
    o["secrets"] += [KOTO_LOCAL, proposal.reason, request.title, request.description]
    o.setdefault("coordinator_client", client_for(editor))
    o["shishin"] = {"guideline": g, "published": published, "draft": draft, "edition": ed, "proposal": proposal,
                    "request": request}
    return o["shishin"]  # type: ignore[no-any-return]


def sh(name: str, **extra: Any) -> Any:
    """A matrix kwargs function: {'pk': <the shishin object called name>, **extra}, or {} for pages without one."""
    if not name:
        return lambda o: (matrix_objects(o), {})[1]
    return lambda o: {"pk": matrix_objects(o)[name].pk, **extra}


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client
