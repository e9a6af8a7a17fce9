# VolunteerLedger. `make run` and `make test` work on a fresh Debian machine: missing system
# packages are installed with apt-get first.

SWIFT       ?= swift
HOST        ?= 127.0.0.1
PORT        ?= 8080
DATABASE    ?= sqlite:data/vledger.sqlite
# Certificates: libqrencode (QR codes), cairo (PDF and PNG), zbar (reading QR images), zlib (status lists),
# a CJK font for the PDF; poppler-utils and zbar-tools check rendered PDFs in the tests; python3-venv for the
# JOSE interoperability test.
DEB_PACKAGES = libsqlite3-dev pkg-config libqrencode-dev libcairo2-dev libzbar-dev zlib1g-dev fonts-noto-cjk \
               poppler-utils zbar-tools python3 python3-venv
# PyPI packages of the tests (JWKS interoperability: a JOSE library not written here), in a private venv.
PYTHON_VENV     = .build/python-venv
PYTHON_PACKAGES = joserfc
SUDO        := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: all deps pydeps build run test bench samples clean

all: build

## deps: install the Debian packages the build needs, when missing.
deps:
	@missing=""; for package in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

## pydeps: the Python packages of the tests, installed from PyPI into $(PYTHON_VENV) when missing.
pydeps: deps
	@[ -x $(PYTHON_VENV)/bin/python3 ] || python3 -m venv $(PYTHON_VENV)
	@$(PYTHON_VENV)/bin/python3 -c 'import joserfc' 2>/dev/null || $(PYTHON_VENV)/bin/python3 -m pip install -q $(PYTHON_PACKAGES)

build: deps
	$(SWIFT) build --product vledger

## run: build, create the database, load samples/ when it is empty, serve on $(HOST):$(PORT).
run: build
	$$($(SWIFT) build --show-bin-path)/vledger serve --host $(HOST) --port $(PORT) --database $(DATABASE) --load-samples samples

## test: every test suite.
test: deps pydeps
	$(SWIFT) build --build-tests
	VLEDGER_TEST_PYTHON=$(CURDIR)/$(PYTHON_VENV)/bin/python3 $(SWIFT) test --skip-build

## bench: import speed against plain inserts (ROWS=1000000 for the full figure); certificates issued per
## second (PDF included) and verification requests per second against a trivial route.
ROWS ?= 100000
bench: deps
	$(SWIFT) build -c release --product vledger
	$$($(SWIFT) build -c release --show-bin-path)/vledger bench import --rows $(ROWS)
	$$($(SWIFT) build -c release --show-bin-path)/vledger bench certificates

## samples: regenerate the sample data set (deterministic).
samples:
	python3 scripts/make_samples.py

clean:
	rm -rf .build data
