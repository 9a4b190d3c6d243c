# Two commands on a fresh machine:
#   make dataset   build the dataset from seeds/ (creates .venv from the project's own files)
#   make test      run the whole test suite (build, validations, span checks, wheel, R, ...)
# Both first install the system packages pip needs to compile PyICU (.ci/system-packages: with
# apt-get as root; otherwise they stop at once naming the command to run).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python

.PHONY: dataset test check validate wheel clean screenshots

$(VENV)/.installed: pyproject.toml requirements/lock.txt
	.ci/system-packages
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	PIP_CONSTRAINT=requirements/lock.txt $(PY) -m pip install --quiet -e '.[dev]'
	touch $@

dataset: $(VENV)/.installed
	$(VENV)/bin/cartel-campaign build

test: $(VENV)/.installed
	$(PY) -m pytest

check: $(VENV)/.installed
	$(VENV)/bin/cartel-campaign build --check

validate: $(VENV)/.installed
	$(VENV)/bin/cartel-campaign validate

# The README's screenshots of the newest release's evidence explorer, a phone's and a laptop's width
# (headless Chromium; the PNG bytes depend on its version and fonts, so CI checks sizes, not bytes).
screenshots: $(VENV)/.installed
	$(PY) -m cartel_campaign.explorer --screenshot docs/explorer-phone.png --size phone
	$(PY) -m cartel_campaign.explorer --screenshot docs/explorer-laptop.png --size laptop

wheel: $(VENV)/.installed
	$(PY) -m build --wheel --outdir dist .

clean:
	rm -rf $(VENV) dist .build-tmp .pytest_cache
