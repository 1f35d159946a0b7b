"""marshmallow schemas of the API: what each command accepts and each read returns."""
