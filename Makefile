# Every target bootstraps what it needs from a fresh clone: see README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
VENV_OLDEST := .venv-oldest
# The newest ansible-core needs Python 3.12+; the oldest we declare (2.16) runs on 3.10 to 3.12.
PYTHON_NEWEST_RANGE := 3.11 99
PYTHON_OLDEST_RANGE := 3.10 3.12
# The modules run on managed nodes from Python 3.9 on; tested there when the machine has a 3.9.
VENV_TARGET := .venv-target
# ansible-rulebook (the eda suite) in its own venv: ansible-core 2.21 beside it needs 3.12+, and jpy, a
# compiled extension, is installed from wheels, published here up to CPython 3.13.
VENV_EDA := .venv-eda
PYTHON_EDA_RANGE := 3.12 3.13
PYTEST_ARGS ?=
# pytest-xdist processes of each suite: hack/run-tests takes twice the cores, at most 8; TEST_WORKERS=0 runs a suite in one process.
TEST_WORKERS ?=

.PHONY: help venv venv-oldest venv-target venv-eda eda demo test sanity unit integration conformance packaging test-oldest bench docs changelog clean

help:
	@echo "make demo    start the Run:ai simulator and run the health gate and the inference rollout gate against it"
	@echo "make test    sanity, unit, integration and simulator conformance tests (newest and oldest ansible-core)"
	@echo "make bench   performance comparison against the simulator"
	@echo "make clean   remove virtualenvs and build output"

venv:
	@hack/bootstrap $(VENV) $(PYTHON_NEWEST_RANGE) requirements-dev.txt

venv-oldest:
	@hack/bootstrap $(VENV_OLDEST) $(PYTHON_OLDEST_RANGE) requirements-dev-oldest.txt

venv-target:
	@hack/bootstrap $(VENV_TARGET) 3.9 3.9 requirements-target-oldest.txt || \
		echo "make: no Python 3.9 here; the modules are tested on the controller's Python only"

venv-eda:
	@hack/bootstrap $(VENV_EDA) $(PYTHON_EDA_RANGE) requirements-eda.txt

demo: venv
	@$(VENV)/bin/python hack/demo.py

# On the oldest ansible-core, the integration tests that ansible-core takes part in (README.md, "Develop");
# `make test-oldest` runs all of them there.
test: venv venv-oldest venv-target venv-eda
	@hack/run-tests $(VENV) sanity unit integration conformance packaging eda
	@hack/run-tests $(VENV_OLDEST) unit core-integration
	@echo "make test: all suites passed"

sanity unit integration conformance packaging: venv
	@hack/run-tests $(VENV) $@

# The event source under the real ansible-rulebook (from .venv-eda) against the simulator.
eda: venv venv-eda
	@hack/run-tests $(VENV) eda

test-oldest: venv-oldest
	@hack/run-tests $(VENV_OLDEST) unit integration

# BENCH_ARGS="--sizes 1000 --runs 1" make bench for a quick look; see docs/performance.md.
bench: venv
	@ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/$(VENV)/collections $(VENV)/bin/python tests/benchmarks/bench.py $(BENCH_ARGS)
	@$(VENV)/bin/python tests/benchmarks/bench_eda.py
	@PYTHONPATH=$(CURDIR)/$(VENV)/collections $(VENV)/bin/python tests/benchmarks/bench_pager.py
	@ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/$(VENV)/collections $(VENV)/bin/python tests/benchmarks/bench_load.py
	@$(VENV)/bin/python tests/benchmarks/bench_simulator.py

# Regenerate docs/plugins from the plugins' own documentation, and CHANGELOG.rst from the fragments.
docs: venv
	@rm -rf docs/plugins && mkdir -m 755 docs/plugins
	@PATH=$(CURDIR)/$(VENV)/bin:$$PATH ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/$(VENV)/collections antsibull-docs collection --use-current --squash-hierarchy \
		--output-format simplified-rst --fail-on-error --dest-dir docs/plugins runai.platform
	@echo "docs/plugins regenerated"

# Fold the changelog fragments into changelogs/changelog.yaml and CHANGELOG.rst for the version in galaxy.yml.
changelog: venv
	@PATH=$(CURDIR)/$(VENV)/bin:$$PATH ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/$(VENV)/collections antsibull-changelog release \
		--version $$(sed -n 's/^version: *//p' galaxy.yml) --update-existing
	@echo "CHANGELOG.rst regenerated"

clean:
	rm -rf $(VENV) $(VENV_OLDEST) $(VENV_TARGET) $(VENV_EDA) .build tests/output .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
