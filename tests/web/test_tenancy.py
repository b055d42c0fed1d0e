from __future__ import annotations

import pytest
from django.apps import apps

from kyodo.web.hoiku.models import Round
from kyodo.web.tenancy import OrgOwned, UnscopedQueryError

# Models of Kyodo's apps that are not OrgOwned, each with why it holds no personal data of one organisation.
# A new model must either inherit OrgOwned or be added here with a reason a reviewer can check.
NOT_ORG_OWNED = {
    "accounts.Organisation": "public facts: name, kind and local-government code",
    "accounts.User": "needed unscoped by authentication; user views go through permissions.users_for",
    "accounts.LoginFailure": "a hash of the user name and an address, for rate limiting only",
}


def test_every_kyodo_model_is_org_owned_or_explained():
    unexplained = []
    for model in apps.get_models():
        if not model.__module__.startswith("kyodo."):
            continue
        if not issubclass(model, OrgOwned) and model._meta.label not in NOT_ORG_OWNED:
            unexplained.append(model._meta.label)
    assert unexplained == []


def test_the_exemption_list_names_only_existing_models():
    labels = {m._meta.label for m in apps.get_models()}
    assert set(NOT_ORG_OWNED) <= labels


def test_an_unscoped_query_is_refused(db):
    with pytest.raises(UnscopedQueryError):
        list(Round.objects.all())
    with pytest.raises(UnscopedQueryError):
        Round.objects.filter(fiscal_year=2026).count()
    with pytest.raises(UnscopedQueryError):
        Round.objects.get(pk=1)
    with pytest.raises(UnscopedQueryError):
        Round.objects.exists()


def test_scoped_queries_see_only_their_organisation(alice, charlie):
    r = Round.objects.create(organisation=alice.organisation, title="t", fiscal_year=2026, created_by=alice)
    assert list(Round.objects.for_user(alice)) == [r]
    assert list(Round.objects.for_user(charlie)) == []
    assert Round.objects.for_org(alice.organisation).filter(pk=r.pk).exists()


def test_reverse_relations_are_scoped_to_the_parent_organisation(alice):
    r = Round.objects.create(organisation=alice.organisation, title="t", fiscal_year=2026, created_by=alice)
    assert list(r.runs.all()) == []
    assert r.decisions.count() == 0


def test_unscoped_needs_a_reason(db):
    with pytest.raises(ValueError):
        Round.objects.unscoped(" ")
    assert list(Round.objects.unscoped("test of the escape hatch")) == []
