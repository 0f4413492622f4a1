# The two commands a newcomer needs: `make run` and `make test`. `make help` lists the rest.
SHELL := /bin/bash
PY := .venv/bin/python
RASA := $(PY) -m rasa
# Quiet TensorFlow, no telemetry, for every command below: launcher/settings.py's
# PROCESS_SETTINGS, read from there (once .venv exists)
$(foreach setting,$(if $(wildcard $(PY)),$(shell $(PY) -m launcher.settings)),$(eval export $(setting)))

.DEFAULT_GOAL := help
.PHONY: help install install-test train run shell test lint unit validate safety-eval nlu-eval \
	bench lookup warning-signs field-eval forget clean cluster cluster-stop bench-cluster test-cluster

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

install:  ## create .venv and install the pinned requirements (skipped when up to date)
	@scripts/install.sh

install-test:  ## install, plus the test-only tools
	@scripts/install.sh --test

train: install  ## train the model when domain, config or data changed
	@$(PY) -m launcher train

run: install  ## install, train if needed, start the action server, Rasa and the web chat
	@$(PY) -m launcher run

shell: install  ## chat in the terminal (rasa shell), with the action server in the background
	@$(PY) -m launcher shell

cluster: install  ## PostgreSQL, Redis, 2 Rasa replicas, 2 action servers, nginx (background)
	@scripts/install_cluster.sh
	@$(PY) -m launcher.cluster start

cluster-stop:  ## stop everything `make cluster` started
	@$(PY) -m launcher.cluster stop

test:  ## install, then lint, unit tests, data validation, training, test stories, e2e, evals
	@scripts/test.sh

test-cluster: install-test  ## the cluster's tests: real PostgreSQL, Redis, nginx and Rasa replicas
	@scripts/install_cluster.sh
	$(PY) -m pytest tests/cluster -q

lint: install-test  ## ruff check and ruff format --check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

unit: install-test  ## unit and action tests (no model, no servers)
	$(PY) -m pytest tests/unit tests/actions -q

validate: install  ## rasa data validate
	$(RASA) data validate --domain domain.yml --data data --config config.yml --fail-on-warnings

safety-eval: install  ## red-flag screen: recall, false alarms and cost on the labelled set
	@$(PY) -m bench.safety_eval

nlu-eval: install  ## train on data/nlu, test on the held-out split tests/nlu/heldout.yml
	@$(PY) -m bench.nlu_eval

field-eval: install  ## field messages: escalation recall, false alarms, understanding, fallbacks
	@$(PY) -m bench.field_eval --halves tuning,heldout --gate heldout

bench: install  ## this assistant against a fresh `rasa init` bot: latency, throughput, memory
	@$(PY) -m bench.performance

bench-cluster: install  ## throughput and p95 through nginx and the cluster against one process
	@scripts/install_cluster.sh
	@$(PY) -m bench.cluster

lookup: install  ## regenerate data/nlu/lookups/exercise.yml from the knowledge base
	$(PY) -m backcare.nlu_lookup

warning-signs: install  ## regenerate the warning-sign answer in domain.yml from the sign data
	$(PY) -m backcare.warning_signs

forget: install  ## delete stored conversations: make forget SENDER=<id> or DAYS=<n>
	@$(PY) -m launcher.forget $(SENDER) $(if $(DAYS),--older-than-days $(DAYS))

clean:  ## remove models, results and logs (keeps .venv and the tracker database)
	rm -rf models results var/logs var/test-results .pytest_cache .ruff_cache
