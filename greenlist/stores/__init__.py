"""Event stores with a timeline index: each event's recorded instant and version, written in the
same transaction as the event, so that "the aggregate as of instant T" is one indexed look-up
plus a versioned read (domain.service.base.Timeline is the port they implement)."""

TIMELINE_KWARG = "timeline"
"""`Application.save(..., timeline=[(originator_id, version, recorded_micros), ...])` reaches
the recorder's `_insert_events` inside the events' transaction."""
