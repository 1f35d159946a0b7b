"""The green-manufacturing-list domain: rules, aggregates, events and the application service.

Imports only the standard library, eventsourcing and python-stdnum (see the import-linter contract).
"""
