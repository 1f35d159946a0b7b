"""The demo history (`make run`, `greenlist demo`): a realistic, seeded story of Zhejiang's green
manufacturing lists from July 2024 to June 2026 (see `simulation.demo.history`)."""

from simulation.demo.acts import Outcome
from simulation.demo.history import SEED, START, DemoHistory, load_if_empty, showcase_code

__all__ = ["SEED", "START", "DemoHistory", "Outcome", "load_if_empty", "showcase_code"]
