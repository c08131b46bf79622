# feedtui — make run, make test, make bench, make install. Each installs what it needs first.
SWIFT ?= swift
PREFIX ?= /usr/local
DEBIAN_PACKAGES = libncursesw5-dev libsqlite3-dev libxml2-dev libfribidi-dev libcurl4-openssl-dev pkg-config tmux python3 man-db groff-base bash-completion zsh fish
# The fault tests read the library back with sqlite3.
DEBIAN_PACKAGES += sqlite3
# Pictures in a post: libchafa draws them; the decoders of JPEG, PNG and WebP (issue 23).
DEBIAN_PACKAGES += libchafa-dev libglib2.0-dev libjpeg62-turbo-dev libpng-dev libwebp-dev
BIN = .build/debug/feedtui
RELEASE_BIN = .build/release/feedtui
# What `make install` installs: the release build (the install test uses CONFIGURATION=debug, already built).
CONFIGURATION ?= release
INSTALL_BIN = .build/$(CONFIGURATION)/feedtui
GENERATED = .build/generated
# Where each shell and man look, under PREFIX.
MANDIR = $(PREFIX)/share/man/man1
BASH_COMPLETIONS = $(PREFIX)/share/bash-completion/completions
ZSH_COMPLETIONS = $(PREFIX)/share/zsh/site-functions
FISH_COMPLETIONS = $(PREFIX)/share/fish/vendor_completions.d
# The page's date is the last commit's, so the same sources give the same page.
MAN_DATE = $(shell git log -1 --format=%cs 2>/dev/null || date +%Y-%m-%d)

.PHONY: deps build release run test unit e2e install-test fuzz fuzz-build fuzz-check fuzz-report bench bench-importers bench-refresh bench-kills bench-callgrind bench-opml bench-import bench-floor bench-search generated install uninstall clean

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

test: unit e2e install-test fuzz-check

unit: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-swift-testing

e2e: build
	bash Tests/e2e/run.sh $(BIN)
	bash Tests/e2e/config.sh $(BIN)
	bash Tests/e2e/faults.sh $(BIN)
	bash Tests/e2e/hostile.sh $(BIN)
	bash Tests/e2e/morning.sh $(BIN)
	bash Tests/e2e/pictures.sh $(BIN)

# Installs into a temporary DESTDIR, checks every file, the man page and bash completion, then uninstalls.
install-test: build
	bash Tests/e2e/install.sh

# libFuzzer targets, one per input surface (FUZZING.md): instrumented for coverage and built with AddressSanitizer;
# libFuzzer's driver without its main (SwiftPM gives each executable a main of its own, which calls the driver).
FUZZ_SECONDS ?= 60
FUZZ_BUILD = .build/fuzz
FUZZ_DRIVER = $(firstword $(wildcard $(dir $(realpath $(shell command -v $(SWIFT))))../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a))
fuzz-build: deps
	@[ -n "$(FUZZ_DRIVER)" ] || { echo "libclang_rt.fuzzer_no_main not found beside $(SWIFT)"; exit 1; }
	FEEDTUI_FUZZ=1 $(SWIFT) build -c release --build-path $(FUZZ_BUILD) -Xswiftc -sanitize=address \
	  -Xswiftc -sanitize-coverage=edge,indirect-calls,trace-cmp,inline-8bit-counters,pc-table -Xswiftc -enable-testing \
	  -Xlinker $(FUZZ_DRIVER) -Xlinker -lstdc++

# Every target FUZZ_SECONDS (default 60) after its committed regressions; FUZZ_TARGETS="rss html" for some of them.
fuzz: fuzz-build
	bash scripts/fuzz.sh $(FUZZ_BUILD)/release $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Every run so far on this machine, per target: seconds, inputs run, coverage and corpus of the last run (FUZZING.md).
fuzz-report:
	@awk -F'\t' '$$3 ~ /^[0-9]+$$/ && $$3 > 0 { s[$$2] += $$3; e[$$2] += $$4; c[$$2] = $$6; k[$$2] = $$7; if ($$9 > p[$$2]) p[$$2] = $$9 } \
	  END { for (t in s) printf "%-9s %7.1f min %11d inputs %8.0f/s  cov %5d  corpus %5d  peak %4d MB\n", t, s[t] / 60, e[t], e[t] / s[t], c[t], k[t], p[t] }' \
	  .build/fuzz-work/log.tsv | sort

# What make test runs: the regressions, then 10 s of each target from its seeds.
fuzz-check: fuzz-build
	bash scripts/fuzz.sh $(FUZZ_BUILD)/release 10

# The library against newsboat in tmux (BENCHMARKS.md); SIZES="10000 100000" for a quicker run. newsboat is
# needed here only, not by the tests or CI.
BENCH_PACKAGES = tmux python3 newsboat
SIZES ?= 10000 100000 1000000
RUNS ?= 5
bench: release
	@$(MAKE) --no-print-directory deps DEBIAN_PACKAGES="$(BENCH_PACKAGES)"
	BENCH_SIZES="$(SIZES)" BENCH_RUNS="$(RUNS)" bash scripts/bench.sh $(RELEASE_BIN)
	@$(MAKE) --no-print-directory bench-refresh
	@$(MAKE) --no-print-directory bench-opml

# What a refresh costs: 20 new posts into 100 000, 100 followed channels, a 500-page history walk (local server).
bench-refresh: release
	@command -v python3 >/dev/null && command -v sqlite3 >/dev/null || $(MAKE) deps DEBIAN_PACKAGES="python3 sqlite3"
	BENCH_RUNS="$(RUNS)" bash scripts/bench-refresh.sh $(RELEASE_BIN)

# kill -9 during a 100 000-post import, 20 times: one more import leaves the library at most 1.1× a clean one.
bench-kills: release
	@command -v python3 >/dev/null && command -v sqlite3 >/dev/null && command -v tmux >/dev/null || $(MAKE) deps DEBIAN_PACKAGES="python3 sqlite3 tmux"
	bash scripts/bench-kills.sh $(RELEASE_BIN)

# import-opml of 100 000 outlines (issue 19: under 2 s).
bench-opml: release
	@command -v python3 >/dev/null && command -v bc >/dev/null || $(MAKE) deps DEBIAN_PACKAGES="python3 bc"
	BENCH_RUNS="$(RUNS)" bash scripts/bench-opml.sh $(RELEASE_BIN)

# Each importer on a ~100 MB file of its format.
bench-importers: release
	@command -v python3 >/dev/null && [ -x /usr/bin/time ] || $(MAKE) deps DEBIAN_PACKAGES="python3 time"
	bash scripts/bench-importers.sh $(RELEASE_BIN)

# Instructions (callgrind) to read a 10 000-post RSS file: the A/B figure for importer changes (BENCHMARKS.md).
bench-callgrind: release
	@command -v valgrind >/dev/null && command -v python3 >/dev/null || $(MAKE) deps DEBIAN_PACKAGES="valgrind python3"
	bash scripts/bench-callgrind.sh $(RELEASE_BIN)

# The CPU and peak RSS of importing rss-100000.xml and of reading it alone; B=OTHER_BIN runs another binary
# alternately with this one (A/B on a loaded machine).
bench-import: release
	BENCH_RUNS="$(RUNS)" bash scripts/bench-import.sh $(RELEASE_BIN) $(B)

# The same beside HEAD built without its search index (scripts/floor-no-index.patch): the floor a faster index could
# reach on this machine.
bench-floor: release
	@[ -x /usr/bin/time ] && command -v git >/dev/null || $(MAKE) deps DEBIAN_PACKAGES="time git"
	BENCH_RUNS="$(RUNS)" bash scripts/bench-floor.sh $(RELEASE_BIN)

# Searches of every length (one and two characters included) in a library of rss-$(B_POSTS).xml, in tmux.
B_POSTS ?= 100000
bench-search: release
	@command -v tmux >/dev/null && command -v python3 >/dev/null || $(MAKE) deps DEBIAN_PACKAGES="tmux python3"
	@[ -f bench-data/rss-$(B_POSTS).xml ] || python3 scripts/gen-bench.py --posts $(B_POSTS) --kind rss --out bench-data
	python3 scripts/bench-search.py --bin $(RELEASE_BIN) --file bench-data/rss-$(B_POSTS).xml --runs $(RUNS)

# The man page comes from the command definitions (swift-argument-parser's generate-manual plugin), with KEYS,
# ENVIRONMENT and FILES sections from the key table and the help tables; the completions from the same definitions.
generated: deps
	$(SWIFT) build -c $(CONFIGURATION)
	$(SWIFT) package generate-manual --configuration $(CONFIGURATION) --date $(MAN_DATE)
	mkdir -p $(GENERATED)
	$(INSTALL_BIN) --finish-manual < .build/plugins/GenerateManual/outputs/FeedTUICommand/feedtui.1 > $(GENERATED)/feedtui.1
	for shell in bash zsh fish; do $(INSTALL_BIN) --generate-completion-script $$shell > $(GENERATED)/feedtui.$$shell || exit 1; done

install: generated
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/feedtui/Samples $(DESTDIR)$(MANDIR) \
	  $(DESTDIR)$(BASH_COMPLETIONS) $(DESTDIR)$(ZSH_COMPLETIONS) $(DESTDIR)$(FISH_COMPLETIONS)
	install -m 755 $(INSTALL_BIN) $(DESTDIR)$(PREFIX)/bin/feedtui
	install -m 644 Samples/* $(DESTDIR)$(PREFIX)/share/feedtui/Samples/
	install -m 644 $(GENERATED)/feedtui.1 $(DESTDIR)$(MANDIR)/feedtui.1
	install -m 644 $(GENERATED)/feedtui.bash $(DESTDIR)$(BASH_COMPLETIONS)/feedtui
	install -m 644 $(GENERATED)/feedtui.zsh $(DESTDIR)$(ZSH_COMPLETIONS)/_feedtui
	install -m 644 $(GENERATED)/feedtui.fish $(DESTDIR)$(FISH_COMPLETIONS)/feedtui.fish

# Removes exactly what install put there, and the samples' folder when it is left empty.
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/feedtui $(DESTDIR)$(MANDIR)/feedtui.1 $(DESTDIR)$(BASH_COMPLETIONS)/feedtui \
	  $(DESTDIR)$(ZSH_COMPLETIONS)/_feedtui $(DESTDIR)$(FISH_COMPLETIONS)/feedtui.fish \
	  $(addprefix $(DESTDIR)$(PREFIX)/share/feedtui/Samples/,$(notdir $(wildcard Samples/*)))
	-rmdir $(DESTDIR)$(PREFIX)/share/feedtui/Samples $(DESTDIR)$(PREFIX)/share/feedtui 2>/dev/null

clean:
	rm -rf .build
