"""The province story: a province of any size over any number of years, for the benchmarks
(see simulation.province.history)."""

from simulation.province.acts import START
from simulation.province.history import ProvinceHistory

__all__ = ["START", "ProvinceHistory"]
