"""The dialogs: one module per flow, each exporting a ``register(application)`` function."""
