"""The gateway's bus half: the projector of worker state events, the job state machine,
the outbox relay, the progress sampler and the reconciler, with their background loops."""
