"""Tenancy: the one mechanism that keeps each organisation's personal data to itself.

Every model that holds personal data inherits `OrgOwned`. Its default manager returns a queryset
that refuses to run until it is scoped with `.for_user(user)` or `.for_org(org)`: a new view
that forgets the scope fails loudly in its first test instead of leaking another organisation's
rows. Reverse relations from an org-owned object (`round.runs.all()`) are scoped to that object's
organisation automatically. Background tasks and migrations, which act for the system rather
than for a user, say so with `.unscoped("why")`.

`tests/web/test_tenancy.py` scans every model of every Kyodo app: one that is not `OrgOwned`
must be listed there with the reason it holds no personal data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    from kyodo.web.accounts.models import Organisation

M = TypeVar("M", bound="OrgOwned")


class UnscopedQueryError(RuntimeError):
    """A query on organisation-owned data ran without saying whose data it wants."""


class OrgQuerySet(models.QuerySet):
    _kyodo_scoped = False

    def _clone(self):  # type: ignore[no-untyped-def]
        clone = super()._clone()
        clone._kyodo_scoped = self._kyodo_scoped
        return clone

    def _mark_scoped(self) -> OrgQuerySet:
        clone: OrgQuerySet = self._chain()
        clone._kyodo_scoped = True
        return clone

    def for_org(self, organisation: Organisation | int) -> OrgQuerySet:
        org_id = organisation if isinstance(organisation, int) else organisation.pk
        if org_id is None:
            raise UnscopedQueryError("組織のない利用者・オブジェクトでは絞り込めません")
        scoped: OrgQuerySet = self.filter(organisation_id=org_id)
        return scoped._mark_scoped()

    def for_user(self, user: Any) -> OrgQuerySet:
        """Rows of the user's own organisation. Platform administrators too: personal data stays local."""
        if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
            nothing: OrgQuerySet = self.none()
            return nothing._mark_scoped()
        return self.for_org(user.organisation_id)

    def unscoped(self, reason: str) -> OrgQuerySet:
        """For system work (tasks, migrations, retention jobs). `reason` documents why, at the call site."""
        if not reason.strip():
            raise ValueError("unscoped() needs a reason")
        return self._mark_scoped()

    def _check_scoped(self) -> None:
        if not self._kyodo_scoped:
            raise UnscopedQueryError(
                f"{self.model.__name__} は組織ごとのデータです: .for_user(user) か .for_org(org) で絞り込んでください"
            )

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._check_scoped()
        super()._fetch_all()

    def iterator(self, chunk_size: int | None = None):  # type: ignore[no-untyped-def]
        self._check_scoped()
        return super().iterator(chunk_size=chunk_size)

    def count(self) -> int:
        if self._result_cache is None:
            self._check_scoped()
        return int(super().count())

    def exists(self) -> bool:
        if self._result_cache is None:
            self._check_scoped()
        return bool(super().exists())

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._check_scoped()
        return super().aggregate(*args, **kwargs)  # type: ignore[no-any-return]

    def update(self, **kwargs: Any) -> int:
        self._check_scoped()
        return super().update(**kwargs)  # type: ignore[no-any-return]

    def delete(self):  # type: ignore[no-untyped-def]
        self._check_scoped()
        return super().delete()


class OrgManager(models.Manager.from_queryset(OrgQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> OrgQuerySet:
        qs: OrgQuerySet = super().get_queryset()
        # A related manager (round.runs) is already tied to one org-owned object: scope to its organisation.
        instance = getattr(self, "instance", None)
        if isinstance(instance, OrgOwned):
            return qs.for_org(instance.organisation_id)
        return qs


class OrgOwned(models.Model):
    """Base of every model holding an organisation's personal data."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="組織"
    )

    objects = OrgManager()

    class Meta:
        # Django's own machinery (cascades, forward relations, refresh_from_db) uses the plain base manager.
        abstract = True


def get_for_user_or_404(model: type[M], request: Any, pk: Any, *, defer: tuple[str, ...] = (),
                        related: tuple[str, ...] = (), **filters: Any) -> M:
    """The object of the user's organisation with this key, or 404 (never 403: existence is not revealed).

    `defer` names large fields (stored files) to load only when used; `related`, relations read in the same query.
    """
    try:
        scoped = model.objects.for_user(request.user).defer(*defer)  # type: ignore[attr-defined]
        if related:
            scoped = scoped.select_related(*related)
        return scoped.get(pk=pk, **filters)  # type: ignore[no-any-return]
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404("見つかりません") from None


def require_same_org(user: Any, obj: OrgOwned) -> None:
    """For objects reached through a relation: refuse when they belong to another organisation."""
    if obj.organisation_id != getattr(user, "organisation_id", None):
        raise PermissionDenied("他の組織のデータです")
