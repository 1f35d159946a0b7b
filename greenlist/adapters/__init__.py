"""Adapters: what implements the domain's ports with a library or a database.

- `stores/`: eventsourcing's recorders (memory, SQLite, PostgreSQL) with the timeline index
  (domain.service.base.Timeline, LogPositions) and the verifiable log's leaves (`LeafStore`),
  written in the events' transaction; `stores/restricted.py`: the restricted writer's SQL.
- `calendars.py`: China's working-day calendar (domain.calendar.WorkingCalendar).

The composition root (greenlist.config) chooses and wires them from greenlist.settings; nothing
in domain/ imports them."""
