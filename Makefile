# VolunteerLedger. `make run` and `make test` work on a fresh Debian machine: missing system
# packages are installed with apt-get first.

SWIFT       ?= swift
HOST        ?= 127.0.0.1
PORT        ?= 8080
DATABASE    ?= sqlite:data/vledger.sqlite
# Certificates: libqrencode (QR codes), cairo (PDF and PNG), zbar (reading QR images), zlib (status lists),
# the PDF's fonts: TrueType, which cairo subsets fast and small (a page ~75 KB in ~6 ms, where three
# OpenType/CFF Noto CJK faces made 1.45 MB in 70+ ms): fonts-arphic-uming (AR PL UMing, Ming/Song serif,
# Arphic Public License) and fonts-wqy-microhei (sans, Apache-2.0 or GPL-3 with font exception) for Chinese,
# fonts-liberation (Liberation Serif, GPL-2 with a font embedding exception) for Latin text; fonts-noto-cjk
# stays as the fallback for characters those lack, and for the web pages in Chromium. poppler-utils and
# zbar-tools check rendered PDFs in the tests; python3-venv for the JOSE interoperability test.
# chromium and chromium-driver run the browser tests of the web pages.
DEB_PACKAGES = libsqlite3-dev pkg-config libqrencode-dev libcairo2-dev libzbar-dev zlib1g-dev fonts-noto-cjk \
               fonts-arphic-uming fonts-wqy-microhei fonts-liberation \
               poppler-utils zbar-tools python3 python3-venv chromium chromium-driver wrk
# PyPI packages of the tests, in a private venv: JWKS interoperability (a JOSE library not written here), the
# browser tests of the web pages (Selenium driving Debian's Chromium, axe-core for accessibility, pytest), and a real
# SMTP server (aiosmtpd) the SMTP client's tests start.
PYTHON_VENV     = .build/python-venv
PYTHON_PACKAGES = joserfc selenium axe-selenium-python pytest prometheus_client schemathesis pymerkle aiosmtpd
# PostgreSQL server and contrib (btree_gist) for the store contract suite on a throw-away cluster, and PgBouncer
# (transaction pooling) in front of it for the test that runs two servers through it.
PG_DEB_PACKAGES = postgresql postgresql-contrib pgbouncer
SUDO        := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: all deps pydeps postgres-deps build run test browser-test fuzz fuzz-build bench bench-postgres bench-city samples clean

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
	@$(PYTHON_VENV)/bin/python3 -c 'import joserfc, selenium, axe_selenium_python, pytest, prometheus_client, schemathesis, pymerkle, aiosmtpd' 2>/dev/null \
	  || $(PYTHON_VENV)/bin/python3 -m pip install -q $(PYTHON_PACKAGES)

## postgres-deps: install PostgreSQL (server and contrib) and PgBouncer from Debian, when missing.
postgres-deps:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	    && ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 \
	    && ls /usr/share/postgresql/*/extension/btree_gist.control >/dev/null 2>&1 \
	    && [ -x /usr/sbin/pgbouncer ]; then :; else \
	  echo "installing Debian packages: $(PG_DEB_PACKAGES)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(PG_DEB_PACKAGES); \
	fi

build: deps
	$(SWIFT) build --product vledger

## run: build, create the database, load samples/ when it is empty, serve on $(HOST):$(PORT).
run: build
	$$($(SWIFT) build --show-bin-path)/vledger serve --host $(HOST) --port $(PORT) --database $(DATABASE) --load-samples samples --messages dev

## test: every test suite; the store contract suite on SQLite and on a throw-away PostgreSQL cluster
## (started as an unprivileged user on 127.0.0.1, stopped and removed also when tests fail); then the web pages in
## headless Chromium against a real `vledger serve` (screenshots in .build/screenshots/).
test: deps pydeps postgres-deps
	$(SWIFT) build --build-tests
	VLEDGER_TEST_PYTHON=$(CURDIR)/$(PYTHON_VENV)/bin/python3 scripts/with-test-postgres.sh $(SWIFT) test --skip-build
	$(MAKE) browser-test
	$(MAKE) fuzz FUZZ_SECONDS=15

## fuzz: libFuzzer (the toolchain's -sanitize=fuzzer, with AddressSanitizer) on the CSV reader, the certificate token
## parser, the serial parser, the identity-number checks, the log's tile paths, the pages' form bodies and claim photos' image headers, FUZZ_SECONDS each (`make test` runs 15 s each). Seeds are
## Tests/Fuzz/corpus/TARGET; inputs the fuzzer finds go to .build-fuzz/corpus, crashes to .build-fuzz/crashes (replay
## one with `vledger-fuzz TARGET FILE` from a normal build).
FUZZ_TARGETS = csv token serial identity tile form image
FUZZ_SECONDS ?= 300
FUZZ_FLAGS   = --traits Fuzzing --product vledger-fuzz
fuzz-build: deps
	$(SWIFT) build $(FUZZ_FLAGS)

fuzz: fuzz-build
	@bin="$$($(SWIFT) build $(FUZZ_FLAGS) --show-bin-path)/vledger-fuzz"; \
	for target in $(FUZZ_TARGETS); do \
	  mkdir -p .build-fuzz/corpus/$$target .build-fuzz/crashes; \
	  echo "fuzzing $$target for $(FUZZ_SECONDS) s"; \
	  VLEDGER_FUZZ_TARGET=$$target ASAN_OPTIONS=symbolize=0:detect_leaks=0 SWIFT_BACKTRACE=enable=no timeout $$(( $(FUZZ_SECONDS) + 60 )) \
	    "$$bin" -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=.build-fuzz/crashes/$$target- .build-fuzz/corpus/$$target Tests/Fuzz/corpus/$$target \
	    > .build-fuzz/$$target.log 2>&1; status=$$?; \
	  grep -E "^(INFO: seed|stat::number_of_executed_units|stat::new_units_added|==[0-9]+==ERROR|SUMMARY)|Fatal error" .build-fuzz/$$target.log; \
	  [ $$status -eq 0 ] || { tail -30 .build-fuzz/$$target.log; echo "fuzz target $$target failed (exit $$status); see .build-fuzz/crashes"; exit 1; }; \
	done

## browser-test: the web pages in headless Chromium (Selenium), as staff, volunteers and strangers would use them.
browser-test: pydeps
	$(SWIFT) build --product vledger
	cd Tests/Browser && VLEDGER_BIN="$$($(SWIFT) build --show-bin-path)/vledger" $(CURDIR)/$(PYTHON_VENV)/bin/python3 -m pytest -q -p no:cacheprovider

## bench: import speed against plain inserts (ROWS=1000000 for the full figure); certificates issued per
## second (PDF included) and verification requests per second against a trivial route; the staff pages' server
## time next to the JSON list of the same records.
ROWS ?= 100000
## Spot checks: consistent sampling from IDS ids next to IDS plain SHA-256 hashes.
IDS ?= 10000000
## Transparency log: appending LOG_ENTRIES entries next to as many plain SHA-256 hashes; proofs and tiles at that size.
LOG_ENTRIES ?= 1000000
bench: deps
	$(SWIFT) build -c release --product vledger
	$$($(SWIFT) build -c release --show-bin-path)/vledger bench import --rows $(ROWS)
	$$($(SWIFT) build -c release --show-bin-path)/vledger bench certificates
	$$($(SWIFT) build -c release --show-bin-path)/vledger bench spot-check --ids $(IDS)
	$$($(SWIFT) build -c release --show-bin-path)/vledger bench load --duration 30
	$$($(SWIFT) build -c release --show-bin-path)/vledger bench pages --rows 100000
	$$($(SWIFT) build -c release --show-bin-path)/vledger bench log --entries $(LOG_ENTRIES)

## bench-city: a tenth of a city (CITY_VOLUNTEERS volunteers, CITY_ORGANIZATIONS Zipf-sized organizations,
## CITY_RECORDS records), generated once into CITY_DIR, loaded into a scratch SQLite ledger; every page, list,
## export and job next to the same on samples/ (issue 33).
CITY_VOLUNTEERS ?= 200000
CITY_ORGANIZATIONS ?= 900
CITY_RECORDS ?= 2000000
CITY_DIR ?= .build/city
bench-city: deps
	$(SWIFT) build -c release --product vledger
	test -f $(CITY_DIR)/users.csv || $$($(SWIFT) build -c release --show-bin-path)/vledger samples generate \
	    --volunteers $(CITY_VOLUNTEERS) --organizations $(CITY_ORGANIZATIONS) --records $(CITY_RECORDS) --out $(CITY_DIR)
	$$($(SWIFT) build -c release --show-bin-path)/vledger bench city --data $(CITY_DIR)

## samples: regenerate the sample data set (deterministic).
samples:
	python3 scripts/make_samples.py

clean:
	rm -rf .build data

## bench-postgres: the import and certificate benchmarks on a throw-away PostgreSQL cluster.
bench-postgres: deps postgres-deps
	$(SWIFT) build -c release --product vledger
	scripts/with-test-postgres.sh sh -c '"$$0" bench import --rows $(ROWS) --database "$$VLEDGER_TEST_POSTGRES_URL"' \
	    "$$($(SWIFT) build -c release --show-bin-path)/vledger"
	scripts/with-test-postgres.sh sh -c '"$$0" bench certificates --database "$$VLEDGER_TEST_POSTGRES_URL"' \
	    "$$($(SWIFT) build -c release --show-bin-path)/vledger"
