# The two commands of the README:
#   make        set up .venv, then run the main job (site, releases, grading)
#   make test   set up .venv, then run every test
# Everything below installs what it needs; nothing is expected pre-installed
# beyond Python 3.11 and (for the sandbox and browser test) Debian's apt.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Exact pins for this platform (Python 3.11), generated from pyproject.toml by
# locks/compile.sh; `make LOCK=locks/grade-linux-x86_64.txt` picks another one.
PLATFORM := $(shell uname -s)-$(shell uname -m)
LOCK_Linux-x86_64   := locks/linux-x86_64.txt
LOCK_Linux-aarch64  := locks/linux-aarch64.txt
LOCK_Linux-arm64    := locks/linux-aarch64.txt
LOCK_Darwin-arm64   := locks/macos-arm64.txt
LOCK ?= $(LOCK_$(PLATFORM))
# Debian packages: bwrap sandboxes graded notebooks; chromium runs the site test.
APT_PACKAGES := bubblewrap chromium

.PHONY: all main test setup sysdeps assignments problems site grade clean locks

all: setup main

setup: $(STAMP) sysdeps

$(STAMP): $(LOCK) pyproject.toml
	@[ -n "$(LOCK)" ] || { echo "no lock file for $(PLATFORM) in locks/: install from the ranges with" \
	  "'$(PYTHON) -m venv $(VENV) && $(PY) -m pip install -e \".[grade,train,book,test]\"' and 'touch $(STAMP)'," \
	  "or add a lock to locks/compile.sh"; exit 1; }
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Python 3.11+ needed"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r $(LOCK)
	# no build isolation: the pinned setuptools above builds hwlib, offline
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# Installs the Debian packages only when a command is missing (needs root + apt).
sysdeps:
	@missing=""; command -v bwrap >/dev/null || missing="$$missing bubblewrap"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

main: assignments problems site grade

# Notebooks, manifest, samples and the site's homework tables, from the problem
# folders (hwlib/problems/<slug>/) and assignments/homeworks/*.yaml.
assignments: $(STAMP)
	$(PY) assignments/build_notebooks.py
	$(PY) assignments/build_samples.py
	$(PY) book/build_pages.py

problems: $(STAMP)
	$(PY) -m hwlib problems --answers

# --all re-executes every page: an unchanged page must still fail if hwlib broke it.
site: $(STAMP)
	$(VENV)/bin/jupyter-book build --all -W -n --keep-going .

# Releases hw1..hw4 and grades the bundled samples (assignments/samples/) in
# sandboxes, in the scratch course _build/sample-course/ (its gradebook, feedback
# and grades.csv); the class's assignments/ gets no gradebook or grades.csv.
# hw1.p4 (a trained model) is evaluated on EuroSAT when HWLIB_DATA is set.
grade: $(STAMP) sysdeps
	@[ -n "$$HWLIB_DATA" ] || echo "note: HWLIB_DATA is not set, so hw1.p4 (a trained EuroSAT model) cannot be evaluated and is left ungraded (pending, not 0); get the data with '$(PY) -m hwlib data fetch eurosat --to DIR', set HWLIB_DATA=DIR and grade again with --force"
	$(PY) -m hwlib grade all --no-progress

# The real-data tests run when HWLIB_DATA names a data root (`python -m hwlib
# data fetch all --to DIR` makes one) and skip, saying so, when it is unset;
# .ci/run sets it. A set but wrong HWLIB_DATA fails them.
test: setup
	$(PY) -m pytest -q -n 2 --dist loadfile tests
	# every book page re-run under nbval (lax: floats and figures are not compared)
	$(PY) -m pytest -q -n 2 --dist loadfile --nbval-lax book

# Regenerates locks/*.txt from pyproject.toml (needs uv; see locks/compile.sh).
locks:
	bash locks/compile.sh

# Removes everything `make` and `make test` generate: the site, the sample course
# and the screenshots (_build/), a release, Python and test caches, the editable
# install's egg-info. Never the venv, the course secret, fetched data (data/),
# training runs (runs/), nor the class's records in assignments/ (gradebook.db,
# grades*.csv, submitted/, autograded/, feedback/, .grading/: `make` never writes
# them, see `grade` above). tests/test_make_clean.py checks this list.
clean:
	rm -rf _build assignments/release .pytest_cache .hypothesis *.egg-info
	find . \( -path ./.venv -o -path ./data -o -path ./.git -o -path ./runs \) -prune -o \
	  \( -name __pycache__ -o -name .ipynb_checkpoints -o -name .pytest_cache \) -type d \
	  -prune -exec rm -rf {} + -o -name '*.pyc' -type f -exec rm -f {} +
