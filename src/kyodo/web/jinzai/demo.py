"""The human cloud's part of `kyodo web demo`: a platform administrator, a coordinator it granted, and a realistic
pool with a quarter of requests from the generator, loaded through the same bulk import that coordinators use.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kyodo.web.accounts.models import Organisation, Role, User

SPECIALISTS = 120
REQUESTS = 200
SEED = 2026
# (username, display name, role): printed by `kyodo web demo` with the demo password.
USERS: tuple[tuple[str, str, str], ...] = (
    ("kyodo-ops", "都 基盤管理者", str(Role.PLATFORM_ADMIN)),
    ("tokyo-coord", "都 コーディネーター", str(Role.STAFF)),
)


def _next_quarter(today: date) -> date:
    first_month = ((today.month - 1) // 3 + 1) * 3 + 1
    return date(today.year + (first_month - 1) // 12, (first_month - 1) % 12 + 1, 1)


def _user(tokyo: Organisation, username: str, display_name: str, role: str, password: str) -> User:
    user: User | None = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password=password, organisation=tokyo, role=role,
                                        display_name=display_name)
    return user


def ensure_pool(password: str, today: date | None = None) -> Any:
    """Idempotent: users and the grant once; the pool and requests only while the pool is empty."""
    from django.utils import timezone

    from kyodo.jinzai.formats import REQUEST_COLUMNS, SPECIALIST_COLUMNS, request_rows, specialist_rows
    from kyodo.jinzai.generate import generate
    from kyodo.web.jinzai import bulk, roles
    from kyodo.web.jinzai.models import CoordinatorGrant, Specialist

    tokyo = roles.tokyo()
    ops = _user(tokyo, *USERS[0], password)
    coordinator = _user(tokyo, *USERS[1], password)
    if not CoordinatorGrant.objects.for_org(tokyo.pk).filter(user=coordinator).exists():
        CoordinatorGrant.objects.create(organisation=tokyo, user=coordinator, granted_by=ops)
    if Specialist.objects.for_org(tokyo.pk).exists():
        return coordinator
    instance = generate(specialists=SPECIALISTS, requests=REQUESTS, seed=SEED,
                        start=_next_quarter(today or timezone.localdate()))
    pool = bulk.table_bytes(".csv", list(SPECIALIST_COLUMNS), specialist_rows(instance))
    asks = bulk.table_bytes(".csv", list(REQUEST_COLUMNS), request_rows(instance))
    bulk.import_specialists(tokyo, "人材一覧(デモ).csv", pool)
    bulk.import_requests(tokyo, coordinator, "依頼一覧(デモ).csv", asks, own_only=False)
    return coordinator
