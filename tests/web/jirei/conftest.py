from __future__ import annotations

import pytest
from django.test import Client

from kyodo.web.accounts.models import User

from ..conftest import client_for
from .world import make_dave


@pytest.fixture
def dave(db) -> User:
    return make_dave()


@pytest.fixture
def dave_client(dave) -> Client:
    return client_for(dave)
