"""Generated histories, for the demo, the benchmarks and the tests: outside the production code
path (an import contract in pyproject.toml: no production package imports it, except
`greenlist demo` and `greenlist serve --demo`, which load it only when asked to).

Everything here drives the real service; nothing is faked. One agenda (`agenda`: acts in time
order on a settable clock), one cast (`cast`: who the units, agencies and experts are), one set
of actors and lifecycle paths (`scenarios`, the tests' building blocks) and one set of draws
(`draws`: what the acts say and score, from a seed), on which two stories run:

- `demo`: the fixed, hand-written history of `make run` (76 units, July 2024 to June 2026);
- `province`: a province of any size over any number of years, for the benchmarks.

`histories.generate(url, story, units=..., last_year=..., seed=...)` runs either into a store."""
