from __future__ import annotations

import pytest
from django.test import Client

from kyodo.web.accounts.models import User
from kyodo.web.jinzai.models import Specialist

from ..conftest import client_for
from .world import make_coordinator, make_specialist


@pytest.fixture
def dora(db) -> User:
    return make_coordinator()


@pytest.fixture
def dora_client(dora) -> Client:
    return client_for(dora)


@pytest.fixture
def eve(db) -> Specialist:
    return make_specialist("江戸 絵里", "eve")


@pytest.fixture
def eve_client(eve) -> Client:
    return client_for(eve.user)


@pytest.fixture
def frank(db) -> Specialist:
    return make_specialist("布施 文男", "frank", skills={"data_literacy": 3, "statistics": 3})
