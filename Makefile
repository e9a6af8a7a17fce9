# VolunteerLedger. `make run` and `make test` work on a fresh Debian machine: missing system
# packages are installed with apt-get first.

SWIFT       ?= swift
HOST        ?= 127.0.0.1
PORT        ?= 8080
DATABASE    ?= sqlite:data/vledger.sqlite
DEB_PACKAGES = libsqlite3-dev pkg-config
SUDO        := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: all deps build run test bench samples clean

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

build: deps
	$(SWIFT) build --product vledger

## run: build, create the database, load samples/ when it is empty, serve on $(HOST):$(PORT).
run: build
	$$($(SWIFT) build --show-bin-path)/vledger serve --host $(HOST) --port $(PORT) --database $(DATABASE) --load-samples samples

## test: every test suite.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## bench: import speed against plain inserts (ROWS=1000000 for the full figure).
ROWS ?= 100000
bench: deps
	$(SWIFT) build -c release --product vledger
	$$($(SWIFT) build -c release --show-bin-path)/vledger bench import --rows $(ROWS)

## samples: regenerate the sample data set (deterministic).
samples:
	python3 scripts/make_samples.py

clean:
	rm -rf .build data
