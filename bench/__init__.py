"""Benchmarks of greenlist on PostgreSQL, each reported as a ratio to a baseline measured in the
same run (absolute rates vary with the machine; ratios much less).

Run them all with `.venv/bin/python -m bench` (`make bench`); see `bench/__main__.py` for options.
Every benchmark creates its own PostgreSQL schema and drops it at the end.
"""
