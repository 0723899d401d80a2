# Two commands on a fresh machine: `make lab` (learn) and `make test` (check everything).
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
PIP := $(BIN)/python -m pip
# One venv in two steps: the learner's lab (requirements-lab.txt), then the grader's and the
# tests' stack on top (requirements.txt). make lab never installs the second.
LAB_INSTALLED := $(VENV)/.lab-installed
INSTALLED := $(VENV)/.installed
WORKSPACE ?= workspace
SUBMISSIONS ?= submissions
JOBS ?= 2
PORT ?= 8888
# Whole suite: tests/ plus every notebook executed by nbval, on both cores.
PYTEST_ARGS ?= tests notebooks --nbval-lax --ignore-glob='*checkpoint*' -n 2 --dist loadfile
# JupyterLab refuses to run as root (containers, CI) unless told.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
# nbgrader runs `alembic` by name; the venv's bin/ must come first on PATH.
export PATH := $(BIN):$(PATH)

.PHONY: lab workspace test release grade bench demo sandbox-deps browser-deps clean

# The learner's Jupyter configuration, written by `make workspace` (grader/handout/workspace.py):
# JUPYTER_CONFIG_PATH outranks the venv's, so nbgrader shows only its Validate button.
LAB_CONFIG = $(abspath $(WORKSPACE))/.jupyter

## lab: install the lab, make your workspace and open it in JupyterLab (PORT=8888, LAB_ARGS: more JupyterLab options)
lab: workspace
	JUPYTER_CONFIG_PATH=$(LAB_CONFIG) JUPYTERLAB_SETTINGS_DIR=$(LAB_CONFIG)/lab/user-settings \
	  $(BIN)/jupyter lab --notebook-dir=$(WORKSPACE) --port=$(PORT) $(ALLOW_ROOT) $(LAB_ARGS)

## workspace: the learner's copy of the course (never overwrites your notebooks)
workspace: $(LAB_INSTALLED)
	$(BIN)/python -m grader workspace $(WORKSPACE)

## test: install everything and run the whole test suite (solutions, helpers, notebooks via nbval, grader, browser)
test: $(INSTALLED) sandbox-deps browser-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## release: student versions of the notebooks in release/
release: $(LAB_INSTALLED)
	$(BIN)/python -m grader release

## grade: autograde SUBMISSIONS=dir (SUBMISSIONS/<student>/<assignment>/<assignment>.ipynb) into grades/
grade: $(INSTALLED) sandbox-deps
	$(BIN)/python -m grader autograde $(SUBMISSIONS) --jobs $(JOBS)

## demo: the instructor's flow on two students (alice: reference answers, bob: untouched) in demo/
DEMO_ID := 02_exponentially_weighted_averages
demo: $(INSTALLED) sandbox-deps
	rm -rf demo && mkdir -p demo/submissions/alice/$(DEMO_ID) demo/submissions/bob/$(DEMO_ID)
	$(BIN)/python -m grader release --out demo/release
	cp notebooks/$(DEMO_ID).ipynb demo/submissions/alice/$(DEMO_ID)/
	cp demo/release/$(DEMO_ID)/$(DEMO_ID).ipynb demo/submissions/bob/$(DEMO_ID)/
	$(BIN)/python -m grader autograde demo/submissions --out demo/grades
	@cat demo/grades/grades.csv; echo "feedback: demo/grades/feedback/"

## bench: course execution time; per assignment plain nbgrader vs --jobs 1/2 vs a 2-worker Dask cluster, a profile and the scaling model, side by side; the mistake engine on the held-out mistakes (--mistakes-only: that alone); the class report for 2,400 submissions
bench: $(INSTALLED) sandbox-deps
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/class_report_bench.py

# pip 25.1 and later show a progress bar while installing, not only while downloading.
$(LAB_INSTALLED): requirements-lab.txt pyproject.toml
	@echo "Installing the course's lab into $(VENV)/ (about 500 MB; pip shows its progress)"
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade "pip>=25.1,<27"
	$(PIP) install -r requirements-lab.txt
	$(PIP) install -e .
	touch $@

$(INSTALLED): $(LAB_INSTALLED) requirements.txt
	@echo "Installing the grader's and the tests' packages into $(VENV)/"
	$(PIP) install -r requirements.txt
	touch $@

## sandbox-deps: bubblewrap (the grading sandbox) and openssl (a Dask cluster's certificates), from Debian's packages
sandbox-deps:
	@command -v bwrap >/dev/null || $(call apt_install,bubblewrap)
	@command -v openssl >/dev/null || $(call apt_install,openssl)

## browser-deps: chromium (the browser tests), from Debian's packages
browser-deps:
	@command -v chromium >/dev/null || $(call apt_install,chromium)

apt_install = { echo "installing $(1) (needs root and apt-get)"; \
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; }

clean:
	rm -rf $(VENV) release grades demo tests/artifacts
