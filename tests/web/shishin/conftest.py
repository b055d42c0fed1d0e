from __future__ import annotations

import pytest
from django.test import Client

from kyodo.web.accounts.models import User

from ..conftest import client_for
from .world import load_demo, make_editor


@pytest.fixture
def tokiko(db) -> User:
    return make_editor()


@pytest.fixture
def tokiko_client(tokiko) -> Client:
    return client_for(tokiko)


@pytest.fixture
def demo(tokiko):  # type: ignore[no-untyped-def]
    return load_demo(tokiko)
