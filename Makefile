# Two commands: `make lab` (set up, then start JupyterLab) and `make test` (set up, then run every test).
# Both are idempotent: the virtual environment is rebuilt only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed
# nbgrader calls tools such as `alembic` by name, so the venv must be first on PATH.
export PATH := $(BIN):$(PATH)
# Jupyter refuses to run as root unless told; CI and containers run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
LAB_ARGS ?=

.PHONY: setup lab test release grade benchmark clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "Python 3.10 or newer is needed, found " + sys.version' 
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

lab: setup
	@echo "Starting JupyterLab: open the URL below (students: start in release/00_welcome or release/01_forward_pass)."
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/release $(ROOT_FLAG) $(LAB_ARGS)

test: setup
	$(BIN)/python -m pytest tests source --nbval-lax --nbval-current-env

# Regenerate release/ from source/ with nbgrader (instructors, after editing a source notebook).
release: setup
	for a in $$(ls source); do $(BIN)/nbgrader generate_assignment "$$a" --force || exit 1; done

# Self-check with the hidden tests: `make grade A=01_forward_pass` grades your copy in release/.
A ?= 01_forward_pass
STUDENT ?= me
grade: setup
	mkdir -p submitted/$(STUDENT)/$(A)
	cp release/$(A)/*.ipynb submitted/$(STUDENT)/$(A)/
	$(BIN)/python -m course.grading $(A) --student $(STUDENT)
	$(BIN)/nbgrader generate_feedback $(A) --student $(STUDENT) --force --log-level=WARN
	@echo "Feedback (every check, with its message): feedback/$(STUDENT)/$(A)/"

benchmark: setup
	$(BIN)/python benchmarks/notebook_times.py

clean:
	rm -rf $(VENV) gradebook.db
