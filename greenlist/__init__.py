"""The composition root and the `greenlist` command."""
