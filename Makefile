# Two entry points: `make demo` and `make test`. Each builds .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Browser tests drive Debian's Chromium; a CJK font keeps Chinese legible in screenshots.
CHROMIUM := /usr/bin/chromium
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
APT_PACKAGES := chromium fonts-wqy-microhei
# The PostgreSQL tests start a throwaway server of their own from Debian's binaries (tests/pg.py):
# any installed version will do, so the target is whichever initdb is there (15 if none is).
PG_INITDB := $(firstword $(wildcard /usr/lib/postgresql/*/bin/initdb) /usr/lib/postgresql/15/bin/initdb)

.PHONY: demo test lint bench clean venv browser

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/zhenxing demo

$(CHROMIUM) $(CJK_FONT):
	@echo "installing $(APT_PACKAGES) (Debian packages, for the browser tests)"
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PACKAGES) >/dev/null

# RUNLEVEL=1: the package's own cluster service is not started; the tests never use it.
$(PG_INITDB):
	@echo "installing postgresql (Debian package, for the PostgreSQL ledger tests)"
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null

browser: $(CHROMIUM) $(CJK_FONT)

test: $(STAMP) $(CHROMIUM) $(CJK_FONT) $(PG_INITDB)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/accuracy.py
	$(BIN)/python benchmarks/peer_recognizers.py
	$(BIN)/python benchmarks/throughput.py

clean:
	rm -rf $(VENV) zhenxing.db
