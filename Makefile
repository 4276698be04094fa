# kbgen: the two set-up commands are `make` (main job) and `make test`.
#
#   make            install into .venv, fetch the real libvirt inputs, build the
#                   knowledge base and the site (offline: falls back to the
#                   embedded snapshot in data/)
#   make test       install test dependencies (Debian chromium for the browser
#                   tests, axe-core in .axe/ for their accessibility checks), run
#                   the whole test suite
#   make refresh    rebuild data/snapshot from the real inputs
#   make docs       regenerate the README's command reference from the parsers (cog)
#   make bench      print the benchmark figures (make scale: 1x/10x/100x synthetic builds)
#   make fuzz       coverage-guided fuzzing of every parser for 60 s (not part of make test)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SITE ?= $(CURDIR)/site
AXE_VERSION := 4.11.0
AXE := .axe/node_modules/axe-core/axe.min.js

.PHONY: all install kb site test test-deps refresh docs bench scale fuzz clean

all: site

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]' --config-settings editable_mode=compat

kb: install
	$(BIN)/kbgen build --or-snapshot
	$(BIN)/kb since virDomainUndefineFlags

site: kb
	$(BIN)/kbgen site --out $(SITE)

test-deps: install
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; }
	@command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq npm; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq npm; fi; }
	@test -f $(AXE) || npm install --silent --no-save --no-audit --no-fund --no-package-lock --prefix .axe axe-core@$(AXE_VERSION)

test: test-deps
	$(BIN)/python -m pytest -q

refresh: install
	$(BIN)/kbgen refresh

docs: install
	$(BIN)/python -m cogapp -r README.md

bench: install
	$(BIN)/python bench/bench_kb.py
	$(BIN)/python bench/bench_site.py

scale: install
	$(BIN)/python bench/scale.py

fuzz: install
	$(BIN)/python -m pip install --quiet atheris || echo "atheris unavailable: bench/fuzz.py mutates at random instead"
	$(BIN)/python bench/fuzz.py --seconds 60

clean:
	rm -rf $(VENV) site *.egg-info
