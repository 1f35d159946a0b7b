"""One blueprint per resource module (its `blp`); `register_all` adds every module's blueprint
to the API, in name order, so adding a resource is adding a module."""

from __future__ import annotations

import importlib
import pkgutil

from flask_smorest import Api


def register_all(api: Api, test_clock: bool = False) -> None:
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        resource = importlib.import_module(f"{__name__}.{module}")
        blueprint = getattr(resource, "blp", None)
        if blueprint is None:
            continue
        if getattr(resource, "TEST_ONLY", False) and not test_clock:
            continue
        api.register_blueprint(blueprint)
