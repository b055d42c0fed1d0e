"""People and rows the jirei tests share (plain functions, so the access matrix can use them too).

Alice and Bob (江東区) and Charlie (大田区) come from tests/web/conftest.py; Dave is staff at 品川区, a third
organisation that must see nothing of a contact request between two others.
"""

from __future__ import annotations

from typing import Any

from kyodo.web.accounts.models import Organisation, Role, User
from kyodo.web.jirei import services
from kyodo.web.jirei.models import Attachment, Case, ContactRequest, Question, Visibility, join_technologies

from ..conftest import make_user

SHINAGAWA = "131091"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def make_dave() -> User:
    return make_user("dave", Organisation.objects.get(code=SHINAGAWA), Role.STAFF, "出部 三郎")


def make_case(user: User, title: str, *, published: bool = False, **fields: Any) -> Case:
    technologies = fields.pop("technologies", ("音声認識",))
    values: dict[str, Any] = {
        "field": "議会・会議", "status": "実証中", "summary": f"{title}の概要", "start_year": 2024,
        "went_badly": "", "contact": "",
    }
    values.update(fields)
    case = Case(organisation_id=user.organisation_id, created_by=user, title=title,
                technologies=join_technologies(list(technologies)),
                visibility=Visibility.PUBLISHED if published else Visibility.DRAFT, **values)
    return services.save_case(case)


def matrix_objects(o: dict[str, Any]) -> dict[str, Any]:
    """Jirei rows for the access matrix: everything on a 江東区 draft, which no other organisation may reach."""
    if "jirei" in o:
        return o["jirei"]  # type: ignore[no-any-return]
    bob = o["bob"]
    draft = make_case(bob, "江東区だけの下書き事例(会議録AI)", contact="江東区 秘密の内線9999",
                      summary="まだ公開していない江東区の検討内容")
    attachment = Attachment.objects.create(organisation_id=bob.organisation_id, case=draft, name="江東区内部資料.pdf",
                                           data=PDF, size=len(PDF), uploaded_by=bob)
    question = Question.objects.create(organisation_id=bob.organisation_id, case=draft, author=bob,
                                       body="江東区内の確認事項")
    ContactRequest.objects.create(organisation_id=bob.organisation_id, owner_id=bob.organisation_id, case=draft,
                                  requester=bob, message="江東区内の問い合わせ", reply_to="内線1")
    o["secrets"] += [draft.title, draft.contact, draft.summary, attachment.name, question.body]
    o["jirei"] = {"case": draft, "attachment": attachment, "question": question}
    return o["jirei"]  # type: ignore[no-any-return]


def jr(name: str) -> Any:
    """A matrix kwargs function: {'pk': <the jirei object called name>}, or {} for pages without one."""
    if not name:
        return lambda o: (matrix_objects(o), {})[1]
    return lambda o: {"pk": matrix_objects(o)[name].pk}
