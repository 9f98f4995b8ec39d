"""The one step that declares Echo's durable state: SQL migrations, JetStream streams and
durable consumers. The dev launcher, the tests and a deployment's init job run it
(`python -m services.migrate`); services only bind to what it declared."""
