# feedtui — make run, make test, make bench, make install. Each installs what it needs first.
SWIFT ?= swift
PREFIX ?= /usr/local
DEBIAN_PACKAGES = libncursesw5-dev libsqlite3-dev libxml2-dev libcurl4 pkg-config tmux python3
BIN = .build/debug/feedtui
RELEASE_BIN = .build/release/feedtui

.PHONY: deps build release run test unit e2e bench bench-importers install clean

# Installs the Debian packages the build and the tests need, only those missing (root, or through sudo).
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Opens the bundled sample (Samples/durov-channel-page.txt).
run: release
	$(RELEASE_BIN) $(ARGS)

test: unit e2e

unit: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-swift-testing

e2e: build
	bash Tests/e2e/run.sh $(BIN)

# The library against newsboat in tmux (BENCHMARKS.md); SIZES="10000 100000" for a quicker run. newsboat is
# needed here only, not by the tests or CI.
BENCH_PACKAGES = tmux python3 newsboat
SIZES ?= 10000 100000 1000000
RUNS ?= 5
bench: release
	@$(MAKE) --no-print-directory deps DEBIAN_PACKAGES="$(BENCH_PACKAGES)"
	BENCH_SIZES="$(SIZES)" BENCH_RUNS="$(RUNS)" bash scripts/bench.sh $(RELEASE_BIN)

# Each importer on a ~100 MB file of its format.
bench-importers: release
	@command -v python3 >/dev/null && [ -x /usr/bin/time ] || $(MAKE) deps DEBIAN_PACKAGES="python3 time"
	bash scripts/bench-importers.sh $(RELEASE_BIN)

install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/feedtui/Samples
	install -m 755 $(RELEASE_BIN) $(DESTDIR)$(PREFIX)/bin/feedtui
	install -m 644 Samples/* $(DESTDIR)$(PREFIX)/share/feedtui/Samples/

clean:
	rm -rf .build
