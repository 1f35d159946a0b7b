"""One blueprint per resource; `register_all` adds them to the API."""

from __future__ import annotations

from flask_smorest import Api

from api.resources import units


def register_all(api: Api, test_clock: bool = False) -> None:
    for blueprint in (units.blp,):
        api.register_blueprint(blueprint)
