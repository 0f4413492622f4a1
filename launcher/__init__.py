"""Starts and stops the assistant's servers: used by `make run`, `make shell` and the e2e tests."""
