from __future__ import annotations

import pytest
from django.test import Client

from kyodo.web.accounts.models import User

from ..conftest import client_for
from .world import make_trainer


@pytest.fixture
def tara(db) -> User:
    return make_trainer()


@pytest.fixture
def tara_client(tara) -> Client:
    return client_for(tara)
