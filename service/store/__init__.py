"""The SQL store: the models, tenant scoping and the schema migrations."""
