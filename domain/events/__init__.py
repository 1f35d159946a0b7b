"""Every stored event class. Module paths are the stored topics: this folder is the persisted
schema. Never rename or move a class without registering its old topic (see `upcasting`)."""
