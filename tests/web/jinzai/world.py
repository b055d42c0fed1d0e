"""People and rows the jinzai tests share (plain functions, so the access matrix can use them too).

Dora coordinates at 東京都; Eve is a specialist in Tokyo's pool with her own account; Frank is another specialist.
Alice and Bob (江東区) and Charlie (大田区) come from tests/web/conftest.py.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.test import Client

from kyodo.web.accounts.models import Organisation, Role, User
from kyodo.web.jinzai.models import (
    Absence,
    CoordinatorGrant,
    Engagement,
    MatchingRun,
    Proposal,
    RunStatus,
    Specialist,
    TalentRequest,
)
from kyodo.web.jinzai.services import confirm

from ..conftest import PASSWORD, client_for

TOKYO = "130001"
EVE_SKILLS = {"cloud_infrastructure": 3, "project_management": 3}


def tokyo() -> Organisation:
    org: Organisation = Organisation.objects.get(code=TOKYO)
    return org


def granting_admin() -> User:
    """The platform administrator who grants the coordinator role in these tests."""
    admin = User.objects.filter(organisation=tokyo(), role=Role.PLATFORM_ADMIN).first()
    if admin is None:
        admin = User.objects.create_user(username="granter", password=PASSWORD, organisation=tokyo(),
                                         role=Role.PLATFORM_ADMIN, display_name="都 基盤")
    return admin


def make_coordinator(username: str = "dora") -> User:
    """A 東京都 staff member whom a platform administrator made a coordinator."""
    user = User.objects.create_user(username=username, password=PASSWORD, organisation=tokyo(), role=Role.STAFF,
                                    display_name="堂本 調整")
    CoordinatorGrant.objects.create(organisation=tokyo(), user=user, granted_by=granting_admin())
    return user


def make_specialist(name: str, username: str | None = None, **fields: Any) -> Specialist:
    user = None
    if username:
        user = User.objects.create_user(username=username, password=PASSWORD, organisation=tokyo(),
                                        role=Role.STAFF, display_name=name)
    values: dict[str, Any] = {"skills": dict(EVE_SKILLS), "hours_per_week": 10, "modes": "現地・リモート",
                              "home_area": "区部"}
    values.update(fields)
    specialist: Specialist = Specialist.objects.create(organisation=tokyo(), user=user, name=name, **values)
    return specialist


def weeks_from_now(weeks: int) -> date:
    today = date.today()
    return today + timedelta(days=7 * weeks - today.weekday())  # a Monday


def make_request(user: User, title: str, **fields: Any) -> TalentRequest:
    start = fields.pop("start", weeks_from_now(2))
    values: dict[str, Any] = {
        "purpose": f"{title}の目的", "deliverable": "移行計画書", "skills": {"cloud_infrastructure": 2},
        "mode": "リモート", "amount": 8, "unit": "時間", "start": start, "end": start + timedelta(days=11),
        "urgency": "通常",
    }
    values.update(fields)
    r: TalentRequest = TalentRequest.objects.create(organisation_id=user.organisation_id, created_by=user,
                                                    title=title, **values)
    return r


def matrix_objects(o: dict[str, Any]) -> dict[str, Any]:
    """Jinzai rows for the access matrix, made once per matrix run and kept in its objects dictionary."""
    if "jinzai" in o:
        return o["jinzai"]  # type: ignore[no-any-return]
    alice, bob = o["bob"].organisation.users.get(username="alice"), o["bob"]
    dora = make_coordinator()
    eve = make_specialist("江戸 絵里", "eve")
    absence = Absence.objects.create(organisation=tokyo(), specialist=eve, start=weeks_from_now(8),
                                     end=weeks_from_now(9), note="家族の用事で不在")
    request = make_request(bob, "江東区の基幹業務システム標準化の相談", purpose="江東区だけが知る移行の事情")
    served = make_request(alice, "江東区のデータ活用の相談")
    run = MatchingRun.objects.create(organisation=tokyo(), created_by=dora, status=RunStatus.DONE, progress=100)
    proposal = Proposal.objects.create(organisation=tokyo(), run=run, request=request, specialist=eve)
    engagement: Engagement = confirm(
        Proposal.objects.create(organisation=tokyo(), run=run, request=served, specialist=eve), dora
    )
    o["secrets"] += [request.title, request.purpose, served.title, absence.note]
    o["coordinator_client"], o["specialist_client"] = client_for(dora), client_for(eve.user)  # type: ignore[arg-type]
    o["jinzai"] = {
        "request": request, "engagement": engagement, "run": run, "proposal": proposal, "specialist": eve,
        "absence": absence, "grant": CoordinatorGrant.objects.for_org(tokyo()).get(user=dora),
    }
    return o["jinzai"]  # type: ignore[no-any-return]


def jz(name: str) -> Any:
    """A matrix kwargs function: {'pk': <the jinzai object called name>}, or {} for pages without one."""
    if not name:
        return lambda o: (matrix_objects(o), {})[1]
    return lambda o: {"pk": matrix_objects(o)[name].pk}


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client
