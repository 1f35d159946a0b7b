"""Fixtures for the read models: the service on a store, its views' database and a runner."""

from __future__ import annotations

import pytest

from domain.service import Greenlist
from projections.catalogue import all_projections
from projections.engine.db import Db
from projections.engine.runner import Runner


@pytest.fixture
def runner(app: Greenlist, views: Db) -> Runner:
    return Runner(app, views, all_projections())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The read models are tested on the two real stores (SQLite and PostgreSQL)."""
