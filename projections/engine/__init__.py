"""The machinery every read model shares: connections (SQLite and PostgreSQL), a write buffer
flushed once per batch with the tracking position, the projection base class and the runner."""
