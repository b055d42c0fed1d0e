from __future__ import annotations

import pytest
from django.test import Client

from kyodo.web.accounts.models import User

from ..conftest import client_for
from ..jinzai.world import make_coordinator


@pytest.fixture
def dora(db) -> User:
    return make_coordinator()


@pytest.fixture
def dora_client(dora) -> Client:
    return client_for(dora)
