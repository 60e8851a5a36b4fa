# Two commands: `make lab` (set up, then start JupyterLab) and `make test` (set up, then run every test).
# Both are idempotent: the virtual environment is rebuilt only when pyproject.toml changes.
# Instructors: `make lab-instructor` starts the same JupyterLab with nbgrader's Formgrader turned on.

PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed
LEARNER := $(VENV)/.learner-lab
# nbgrader calls tools such as `alembic` by name, so the venv must be first on PATH.
export PATH := $(BIN):$(PATH)
# Jupyter refuses to run as root unless told; CI and containers run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
LAB_ARGS ?=

# apt-get runs as root, or through sudo when it asks no password.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo -n)
# SYSTEM_PACKAGES=no skips the Debian packages (a student who only wants `make lab`).
SYSTEM_PACKAGES ?= yes

.PHONY: setup system-packages lab lab-instructor test release grade check benchmark screenshots clean

setup: system-packages $(STAMP) $(LEARNER)

# The venv, with the extras the tests use: pytest, nbval, playwright, repo2docker, a Dask cluster,
# a PostgreSQL driver.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "Python 3.10 or newer is needed, found " + sys.version' 
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,dask,postgres]"
	touch $@

# The learner's JupyterLab, as on Binder (postBuild runs the same script): nbgrader's instructor
# tools (Formgrader, Create Assignment, Course List) off, no "Jupyter news?" prompt.
$(LEARNER): $(STAMP) lab-config/learner.py lab-config/overrides.json
	$(BIN)/python lab-config/learner.py
	touch $@

# Debian packages: bubblewrap (the sandbox each submission's kernel runs in), chromium (the
# browser tests) and postgresql (the PostgreSQL gradebook test). Installed only where missing, so
# this costs three look-ups when all are there. Where they cannot be installed (no apt-get, not
# root and no password-less sudo) it says what is missing and goes on: grading then runs with
# resource limits only and says so, and the tests that need the missing tool fail naming it.
system-packages:
	@[ "$(SYSTEM_PACKAGES)" = no ] && exit 0; \
	missing=""; \
	command -v bwrap >/dev/null 2>&1 || missing="$$missing bubblewrap"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	[ -z "$$missing" ] && exit 0; \
	if command -v apt-get >/dev/null 2>&1 && $(SUDO) true 2>/dev/null; then \
	  echo "Installing the missing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null && \
	  exit 0; \
	fi; \
	echo "*** Missing system packages:$$missing (Debian names; could not install them here)."; \
	echo "*** Grading runs without the bubblewrap sandbox, and the tests that need these tools will fail."

lab: setup
	@echo "Starting JupyterLab: open the URL below (students: start in release/00_welcome or release/01_forward_pass)."
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/release $(ROOT_FLAG) $(LAB_ARGS)

# Instructors: the same JupyterLab with the Formgrader, Create Assignment and Course List on, for
# this server only (lab-config/instructor/ comes first on Jupyter's config path); `make lab` stays
# the learner's view.
lab-instructor: setup
	@echo "Starting JupyterLab with nbgrader's instructor tools (menu Nbgrader > Formgrader)."
	JUPYTER_CONFIG_PATH="$(CURDIR)/lab-config/instructor$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	  $(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" $(ROOT_FLAG) $(LAB_ARGS)

test: setup
	$(BIN)/python -m pytest tests source --nbval-lax --nbval-current-env

# Regenerate release/ from source/ with nbgrader (instructors, after editing a source notebook).
release: setup
	for a in $$(ls source); do $(BIN)/nbgrader generate_assignment "$$a" --force || exit 1; done

# Instructors: `make grade A=01_forward_pass` collects from the exchange (when one is configured),
# grades every submitted/*/01_forward_pass/, writes feedback, grades.csv and reports/. Options of
# the command go in ARGS, e.g. ARGS="--workers 4 --regrade".
# Self-learners: `make check A=01_forward_pass` grades your copy in release/ with the hidden tests.
A ?=
ARGS ?=
grade check: setup
	@[ -n "$(A)" ] || { echo "Name the assignment: make $@ A=01_forward_pass"; exit 2; }
	$(BIN)/python -m course.grading $@ $(A) $(ARGS)

benchmark: setup
	$(BIN)/python benchmarks/notebook_times.py

# The README's screenshots: each notebook's explorer, in JupyterLab in Debian's chromium after
# "Run All Cells" (tests/browser/screenshots.py), saved to docs/screenshots/.
screenshots: setup
	$(BIN)/python tests/browser/screenshots.py

clean:
	rm -rf $(VENV) gradebook.db
