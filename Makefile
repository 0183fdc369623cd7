# govsim - agent-based simulator of public-service governance.
#
#   make            build build/govsim
#   make check      build and run every test (installs missing packages first)
#   make test-serve govsim serve's API and malformed requests against a running server
#   make layers     includes run one way (tests/layers/check.sh)
#   make contributing  the worked example of docs/contributing.md builds and passes
#   make fuzz       fuzz the scenario reader (clang libFuzzer) for FUZZ_SECONDS
#   make reliability  fault matrix, interruption latency and fuzz log into docs/reliability.md
#   make golden     every scenario's results against tests/golden/reference (1 and 2 threads)
#   make demo       run the default scenario and print its comparison
#   make sanitize   run the test suite under AddressSanitizer + UBSan
#   make docs       regenerate docs/parameters.md, docs/metrics.md and the outputs the docs show
#   make docs-check the outputs the docs show are current (part of make check)
#   make ablation   rerun the ablation of the default scenario (docs/mechanisms.md)
#   make bench      speed and memory of scenarios/bench/*.ini and one 1M-citizen run
#                   (tests/bench/large1.ini) with 1 and 2 threads, quiet and beside a busy loop
#   make bench-serve  govsim serve: the default comparison's first points and end, the game's rounds
#   make reproduce  published experiments against their published figures
#   make reproduce-docs  the same, then their tables into docs/experiments (and results.json)
#   make reproduce-docs-check  those tables are results.json's, from the current model (no run)
#   make reproduce-robust  each calibrated parameter at -20..+20% and other seeds: robustness tables
#   make regimes    where each regime wins: docs/experiments/where_each_regime_wins.md
#   make calibrate-check  govsim calibrate's coverage of known parameters, 20 repeats (minutes)
#   make deps       install missing Debian packages (as root), or print the command
#   make mpi        build/govsim-mpi: Open MPI and parallel HDF5 (make deps-mpi; make test-mpi)
#   make hpc-scaling  strong and weak scaling of govsim-mpi on this machine, and the
#                   projection to 64-1,024 ranks (build/hpc; docs/hpc.md; minutes)
#   make install    govsim, its man page, bash completion and the analysis package
#                   under PREFIX (default /usr/local); make uninstall removes them
#   make clean

CC      ?= cc
PKGS    := gsl hdf5-serial libmicrohttpd jansson
CSTD    := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -fopenmp
OPT     ?= -O2 -g
CFLAGS  ?=
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
HDF5_HL := -lhdf5_serial_hl
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) $(HDF5_HL)
ALL_CFLAGS  = $(CSTD) $(OPT) $(CFLAGS) -I. $(PKG_CFLAGS) -D_POSIX_C_SOURCE=200809L
LDLIBS  = $(PKG_LIBS) -lm
BUILD  ?= build

GIT_REV := $(shell git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)

LAYERS  := sim/core models sim/plan sim/engine sim/io sim/app
# the MPI build's own files (make mpi), left out of every other build
MPI_SRC := sim/io/parallel.c sim/app/mpirun.c
LIB_SRC := $(filter-out sim/app/main.c $(if $(GS_MPI),,$(MPI_SRC)),$(foreach d,$(LAYERS),$(wildcard $(d)/*.c)))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
HDRS    := $(foreach d,$(LAYERS),$(wildcard $(d)/*.h $(d)/*.def))
TEST_SRC := $(foreach d,$(LAYERS),$(wildcard tests/$(d)/test_*.c))
BENCH   := scenarios/bench/small.ini scenarios/bench/medium.ini scenarios/bench/large.ini \
	tests/bench/large1.ini
TEST_BIN := $(TEST_SRC:%.c=$(BUILD)/%)
TEST_COMMON := tests/testutil.c

DEB_PKGS := gcc make pkg-config libgsl-dev libhdf5-dev libcmocka-dev \
	librandom123-dev hdf5-tools python3-h5py python3-numpy python3-xarray \
	python3-h5netcdf python3-netcdf4 python3-matplotlib python3-pandas python3-pytest \
	libmicrohttpd-dev libjansson-dev chromium

.PHONY: reliability figures-check deps-mpi mpi test-mpi bench-serve hpc-scaling
.PHONY: install uninstall docs-check all check test-c test-py calibrate-check test-serve layers contributing fuzz fuzz-results fuzz-replay golden golden-update demo sanitize docs deps clean ablation timestep bench reproduce \
	reproduce-docs reproduce-docs-check reproduce-robust regimes regimes-check

all: $(BUILD)/govsim

$(BUILD)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# provenance.o records the build: rebuild it whenever the revision or flags change
$(BUILD)/sim/core/provenance.o: sim/core/provenance.c sim/core/provenance.h $(BUILD)/.buildinfo
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DGS_GIT_REV='"$(GIT_REV)"' \
		-DGS_BUILD_CFLAGS='"$(strip $(CSTD) $(OPT) $(CFLAGS))"' -c $< -o $@

# govsim report and export run the analysis package with this Python (Debian's, the one
# `make deps` provides the modules for) and, unless installed, from this source tree.
PYTHON  ?= /usr/bin/python3
$(BUILD)/sim/app/python.o: sim/app/python.c $(HDRS) $(BUILD)/.buildinfo
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DGS_PYTHON='"$(PYTHON)"' -DGS_PYDIR='"$(CURDIR)"' -c $< -o $@

# govsim serve serves the page from this source tree's web/ (and node_modules/)
WEBDIR  ?= $(CURDIR)/web
$(BUILD)/sim/app/serve.o: sim/app/serve.c $(HDRS) $(BUILD)/.buildinfo
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DGS_WEBDIR='"$(WEBDIR)"' -DGS_SCENARIODIR='"$(CURDIR)/scenarios"' -c $< -o $@

$(BUILD)/.buildinfo: FORCE
	@mkdir -p $(BUILD)
	@echo '$(GIT_REV) $(CC) $(CSTD) $(OPT) $(CFLAGS) $(PYTHON) $(CURDIR) $(WEBDIR)' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv -f $@.tmp $@
FORCE:

$(BUILD)/libgovsim.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/govsim: $(BUILD)/sim/app/main.o $(BUILD)/libgovsim.a
	$(CC) $(CSTD) $(OPT) $(CFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(TEST_COMMON) tests/testutil.h $(BUILD)/libgovsim.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests $< $(TEST_COMMON) $(BUILD)/libgovsim.a -o $@ $(LDLIBS) -lcmocka

deps:
	@missing=""; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all Debian packages present"; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "deps: installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: missing packages; run:"; echo "  sudo apt-get install -y$$missing"; exit 1; fi
	@# the page's uPlot and its test's playwright-core, as package-lock.json pins them
	@if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
		echo "deps: npm ci"; npm ci --no-audit --no-fund; fi

# The test command of README.md and .ci/run.
# The MPI build's packages too, so that the MPI build is tested against the serial one.
check: deps deps-mpi
	$(MAKE) all $(TEST_BIN)
	$(MAKE) test-c test-mpi test-py test-serve golden contributing docs-check reproduce-docs-check regimes-check
	$(MAKE) figures-check

test-c: $(BUILD)/govsim $(TEST_BIN) $(BUILD)/fuzz-replay-scenario $(BUILD)/fuzz-replay-result \
	$(BUILD)/enospc.so $(BUILD)/govsim-bench
	@set -e; for t in $(TEST_BIN); do echo "== $$t"; GOVSIM=$(BUILD)/govsim $$t 2>&1; done
	@GOVSIM_ENOSPC_SHIM=$(BUILD)/enospc.so tests/cli/run.sh $(BUILD)/govsim
	@tests/cli/shard.sh $(BUILD)/govsim
	@tests/cli/bench.sh $(BUILD)/govsim-bench
	@tests/layers/test_check.sh
	@$(BUILD)/fuzz-replay-scenario tests/fuzz/corpus/scenario/*
	@tests/fuzz/results.sh $(BUILD)/govsim $(BUILD)/fuzz-results
	@LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp $(BUILD)/fuzz-replay-result $(BUILD)/fuzz-results/*.h5
	@echo "== all C tests passed"

# The binaries the Python tests run; with the variables set, a missing one fails its tests.
test-py: $(BUILD)/govsim $(BUILD)/tests/sim/io/test_output
	GOVSIM=$(BUILD)/govsim GOVSIM_TEST_OUTPUT=$(BUILD)/tests/sim/io/test_output \
		/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/analysis

# govsim calibrate recovers known parameters: 20 repeats (make check runs 3 in test-py).
calibrate-check: $(BUILD)/govsim
	/usr/bin/python3 tests/calibrate/coverage.py --govsim $(BUILD)/govsim --repeats 20
# govsim serve: its API on a running server, malformed requests (Python's http.client),
# and its page in Debian's chromium driven by playwright-core (screenshot: docs/img/serve.png);
# the game (--game): its API and malformed requests, then three rounds played in three
# browsers, the debrief and the replay (screenshots: docs/img/debrief.png, game-manager.png)
test-serve: $(BUILD)/govsim
	/usr/bin/python3 tests/serve/test_serve.py $(BUILD)/govsim
	node tests/serve/page.mjs $(BUILD)/govsim
	/usr/bin/python3 tests/serve/test_game.py $(BUILD)/govsim
	node tests/serve/game.mjs $(BUILD)/govsim

# Fuzzing the scenario reader: `make fuzz` (clang's libFuzzer with ASan and
# UBSan, every object instrumented) for FUZZ_SECONDS; `make check` replays
# the committed corpus with the project's own compiler.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined
$(BUILD)/fuzz-replay-scenario: tests/fuzz/fuzz_scenario.c tests/fuzz/replay.c $(BUILD)/libgovsim.a $(HDRS)
	$(CC) $(ALL_CFLAGS) tests/fuzz/fuzz_scenario.c tests/fuzz/replay.c $(BUILD)/libgovsim.a -o $@ $(LDLIBS)

$(BUILD)/fuzz-replay-result: tests/fuzz/fuzz_result.c tests/fuzz/replay.c $(BUILD)/libgovsim.a $(HDRS)
	$(CC) $(ALL_CFLAGS) tests/fuzz/fuzz_result.c tests/fuzz/replay.c $(BUILD)/libgovsim.a -o $@ $(LDLIBS)

fuzz-replay: $(BUILD)/fuzz-replay-scenario $(BUILD)/fuzz-replay-result $(BUILD)/govsim
	$(BUILD)/fuzz-replay-scenario tests/fuzz/corpus/scenario/*
	tests/fuzz/results.sh $(BUILD)/govsim $(BUILD)/fuzz-results
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp $(BUILD)/fuzz-replay-result $(BUILD)/fuzz-results/*.h5

fuzz:
	@command -v clang >/dev/null || { echo "fuzz: needs clang and libclang-rt-14-dev: sudo apt-get install -y clang libclang-rt-14-dev libomp-dev"; exit 1; }
	$(MAKE) BUILD=build/fuzz CC=clang OPT="$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link" build/fuzz/libgovsim.a
	clang $(CSTD) $(FUZZ_FLAGS) -fsanitize=fuzzer -I. $(PKG_CFLAGS) -D_POSIX_C_SOURCE=200809L \
		tests/fuzz/fuzz_scenario.c build/fuzz/libgovsim.a -o build/fuzz/fuzz-scenario $(LDLIBS)
	@mkdir -p build/fuzz/corpus
	cp tests/fuzz/corpus/scenario/* build/fuzz/corpus/
	tests/fuzz/log.sh scenario $(FUZZ_SECONDS) build/fuzz/corpus build/fuzz/ -- \
	build/fuzz/fuzz-scenario -print_final_stats=1 -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=4096 \
		-dict=tests/fuzz/scenario.dict -artifact_prefix=build/fuzz/ build/fuzz/corpus

# The result-file reader (info, info --verify, compare) on mutated files.
fuzz-results: $(BUILD)/govsim
	@command -v clang >/dev/null || { echo "fuzz-results: needs clang and libclang-rt-14-dev"; exit 1; }
	$(MAKE) BUILD=build/fuzz CC=clang OPT="$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link" build/fuzz/libgovsim.a
	clang $(CSTD) $(FUZZ_FLAGS) -fsanitize=fuzzer -I. $(PKG_CFLAGS) -D_POSIX_C_SOURCE=200809L \
		tests/fuzz/fuzz_result.c build/fuzz/libgovsim.a -o build/fuzz/fuzz-result $(LDLIBS)
	tests/fuzz/results.sh $(BUILD)/govsim build/fuzz/results
	@# HDF5's metadata cache asks malloc for sizes read from a corrupted header
	@# and handles its failure: let ASan return NULL for them, as malloc would
	LSAN_OPTIONS=suppressions=tests/fuzz/lsan.supp ASAN_OPTIONS=allocator_may_return_null=1 \
	tests/fuzz/log.sh results $(FUZZ_SECONDS) build/fuzz/results build/fuzz/result- -- \
	build/fuzz/fuzz-result -print_final_stats=1 -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=4096 \
		-max_len=2000000 -artifact_prefix=build/fuzz/result- build/fuzz/results

# The MPI build: build/govsim-mpi runs a plan on the ranks of an MPI job, all of them
# writing one file with parallel HDF5 (docs/hpc.md). Its packages (make deps-mpi) are
# needed by it only; its objects go to build/mpi; the serial build keeps hdf5-serial.
MPI_DEB_PKGS := libopenmpi-dev openmpi-bin libhdf5-openmpi-dev
deps-mpi:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(MPI_DEB_PKGS)"
	@# installing parallel HDF5 makes it hdf5.pc's default: hdf5.pc stays the serial one
	@[ "$$(id -u)" != 0 ] || update-alternatives --set hdf5.pc \
		/usr/lib/x86_64-linux-gnu/pkgconfig/hdf5-serial.pc >/dev/null 2>&1 || true

mpi:
	@command -v mpicc >/dev/null && pkg-config --exists hdf5-openmpi || \
		{ echo "mpi: needs Open MPI and parallel HDF5: make deps-mpi"; exit 1; }
	$(MAKE) BUILD=build/mpi GS_MPI=1 CC=mpicc PKGS="gsl hdf5-openmpi" HDF5_HL=-lhdf5_hl \
		CFLAGS="$(CFLAGS) -DGS_MPI" build/mpi/govsim
	cp build/mpi/govsim $(BUILD)/govsim-mpi

# 3 ranks (and 1) against the serial build's file (tests/cli/mpi.sh)
test-mpi: mpi $(BUILD)/govsim
	tests/cli/mpi.sh $(BUILD)/govsim $(BUILD)/govsim-mpi

# Strong and weak scaling of the MPI build on this machine (ranks x threads, each job
# HPC_REPEAT times: build/hpc/scaling.tsv, runs.tsv), then the projection of the
# dynamic scheduler to 64-1,024 ranks from those measurements (build/hpc/projection.md).
hpc-scaling: mpi $(BUILD)/govsim
	tests/hpc/scaling.sh $(BUILD)/govsim $(BUILD)/govsim-mpi $(BUILD)/hpc
	/usr/bin/python3 -m analysis.hpc_projection $(BUILD)/hpc | tee $(BUILD)/hpc/projection.md

# Layers: a lower layer never includes a higher one.
layers:
	@tests/layers/check.sh

# The worked example of docs/contributing.md, built and tested in a scratch copy.
contributing:
	/usr/bin/python3 tests/contributing/check.py

# Results guarded: a change that moves any scenario's output updates the
# reference (make golden-update) in the same commit, with the reason.
golden: $(BUILD)/govsim
	/usr/bin/python3 tests/golden/golden.py --govsim $(BUILD)/govsim --threads 1,2

golden-update: $(BUILD)/govsim
	/usr/bin/python3 tests/golden/golden.py --govsim $(BUILD)/govsim --threads 1,2 --update

# The demo writes out/demo.h5 and out/demo-report.html, so that README's tour
# (which writes out/default.h5) starts on a clean slate after it.
demo: deps
	$(MAKE) all
	mkdir -p out
	$(BUILD)/govsim run scenarios/default.ini -o out/demo.h5 --force
	$(BUILD)/govsim report out/demo.h5

# Installation: the binary finds the analysis package in PREFIX/share/govsim/python;
# a .pth file in PYSITE puts it on the path of $(PYTHON) (Debian's), so that
# `import analysis` works from any directory. PYSITE: /usr/local's dist-packages
# for PREFIX=/usr/local, the user site for PREFIX=~/.local, else
# PREFIX/lib/pythonX.Y/site-packages (then add it to PYTHONPATH).
PREFIX  ?= /usr/local
BINDIR   = $(PREFIX)/bin
DATADIR  = $(PREFIX)/share/govsim
MANDIR   = $(PREFIX)/share/man/man1
COMPDIR  = $(PREFIX)/share/bash-completion/completions
PYSITE  ?= $(shell $(PYTHON) -c 'import os, site, sys; p = os.path.realpath("$(PREFIX)"); \
	v = "%d.%d" % sys.version_info[:2]; \
	print(site.getusersitepackages() if p == os.path.realpath(site.getuserbase()) else \
	p + "/lib/python%s/%s-packages" % (v, "dist" if p == "/usr/local" else "site"))')

install: $(BUILD)/govsim
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/python/analysis $(DESTDIR)$(MANDIR) \
		$(DESTDIR)$(COMPDIR) $(DESTDIR)$(PYSITE)
	install -m 755 $(BUILD)/govsim $(DESTDIR)$(BINDIR)/govsim
	install -m 644 analysis/*.py $(DESTDIR)$(DATADIR)/python/analysis/
	tools/man.sh $(BUILD)/govsim > $(DESTDIR)$(MANDIR)/govsim.1
	install -m 644 tools/completion.bash $(DESTDIR)$(COMPDIR)/govsim
	echo '$(DATADIR)/python' > $(DESTDIR)$(PYSITE)/govsim.pth
	@# govsim serve's scenarios to start from, its page, and the chart library `make deps` installed (npm ci)
	install -d $(DESTDIR)$(DATADIR)/scenarios/published
	install -m 644 scenarios/*.ini $(DESTDIR)$(DATADIR)/scenarios/
	install -m 644 scenarios/published/*.ini $(DESTDIR)$(DATADIR)/scenarios/published/
	install -d $(DESTDIR)$(DATADIR)/web $(DESTDIR)$(DATADIR)/node_modules/uplot/dist
	install -m 644 web/index.html web/app.js web/style.css web/game.html web/game.js \
		$(DESTDIR)$(DATADIR)/web/
	@if [ -f node_modules/uplot/dist/uPlot.iife.min.js ]; then \
		install -m 644 node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css \
			$(DESTDIR)$(DATADIR)/node_modules/uplot/dist/; \
	else echo "install: no node_modules/uplot (make deps installs it): govsim serve's page will have no charts"; fi
	@echo "install: govsim in $(BINDIR), the analysis package in $(DATADIR)/python" \
		"(on $(PYTHON)'s path through $(PYSITE)/govsim.pth)"
	@case ":$$PATH:" in *":$(BINDIR):"*) ;; *) echo "install: $(BINDIR) is not on your PATH;" \
		"add it: export PATH=\"$(BINDIR):\$$PATH\"";; esac
	@[ -n "$(DESTDIR)" ] || (cd / && $(PYTHON) -c 'import sys; sys.path.remove("") if "" in sys.path else None; import analysis' 2>/dev/null) \
		|| echo "install: $(PYTHON) does not see $(PYSITE): add it to PYTHONPATH"

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/govsim $(DESTDIR)$(MANDIR)/govsim.1 $(DESTDIR)$(COMPDIR)/govsim \
		$(DESTDIR)$(PYSITE)/govsim.pth
	rm -rf $(DESTDIR)$(DATADIR)

# A full disk for the tests where no tmpfs can be mounted (LD_PRELOAD; no sanitizer).
$(BUILD)/enospc.so: tests/cli/enospc.c
	@mkdir -p $(@D)
	gcc -std=c11 -Wall -Wextra -O2 -shared -fPIC $< -o $@ -ldl

sanitize:
	$(MAKE) BUILD=build/sanitize OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" test-c

# The docs whose shown commands and outputs tools/docs.py runs and writes.
SHOWN_DOCS := README.md docs/cli.md docs/analysis.md docs/output.md docs/scenarios.md docs/mechanisms.md docs/explain.md docs/robustness.md

docs: $(BUILD)/govsim
	$(BUILD)/govsim params --markdown > docs/parameters.md
	$(BUILD)/govsim metrics --markdown > docs/metrics.md
	$(PYTHON) tools/docs.py --govsim $(BUILD)/govsim $(SHOWN_DOCS)

# Every output shown in the docs is what the commands give now (timings aside).
docs-check: $(BUILD)/govsim
	$(PYTHON) tools/docs.py --check --govsim $(BUILD)/govsim $(SHOWN_DOCS)

clean:
	rm -rf build out

# The ablation of the default scenario in docs/mechanisms.md.
ablation: $(BUILD)/govsim
	/usr/bin/python3 -m analysis.ablation scenarios/default.ini --govsim $(BUILD)/govsim \
		--replications 3 --markdown docs/mechanisms.md

# The time-step table of docs/ODD.md (section 3): the default scenario at four ticks.
timestep: $(BUILD)/govsim
	/usr/bin/python3 -m analysis.timestep scenarios/default.ini --govsim $(BUILD)/govsim \
		--replications 20 --markdown docs/ODD.md

# Speed and memory against this machine's limits (figures, never asserted).
$(BUILD)/govsim-bench: tests/bench/bench.c $(BUILD)/libgovsim.a $(HDRS)
	$(CC) $(ALL_CFLAGS) $< $(BUILD)/libgovsim.a -o $@ $(LDLIBS)

# Each figure with 1 and 2 threads, on a quiet machine and beside a CPU-bound
# process that govsim-bench starts and stops itself (BENCH_OPTS=--repeat 3: best of 3;
# BENCH_BESIDE=quiet,busy,busy3: beside three of them as well).
BENCH_OPTS ?=
BENCH_BESIDE ?= quiet,busy
bench: $(BUILD)/govsim-bench
	$(BUILD)/govsim-bench --threads 1,2 --beside $(BENCH_BESIDE) $(BENCH_OPTS) $(BENCH)

# govsim serve: the default comparison's first points and end, a run replaced, the game's rounds.
bench-serve: $(BUILD)/govsim
	/usr/bin/python3 tests/bench/serve.py $(BUILD)/govsim

# Published experiments: govsim's figures against the published ones (scenarios/published/).
reproduce: $(BUILD)/govsim
	GOVSIM=$(BUILD)/govsim /usr/bin/python3 -m analysis.reproduce $(if $(ONLY),--only $(ONLY))

# The full run, whose figures are written into docs/experiments/*.md between
# marker comments and into docs/experiments/results.json (commit them).
reproduce-docs: $(BUILD)/govsim
	GOVSIM=$(BUILD)/govsim /usr/bin/python3 -m analysis.reproduce --write-docs

# No run: the tables are what results.json renders to, and results.json is from
# the current model (the published scenarios' golden references), scenarios and figures.
# Robustness: each calibrated parameter of each published scenario at -20%, -10%, +10%
# and +20%, and 5 other seeds (docs/experiments/robustness.json and the pages' tables).
reproduce-robust: $(BUILD)/govsim
	GOVSIM=$(BUILD)/govsim /usr/bin/python3 -m analysis.robust --write-docs $(if $(ONLY),--only $(ONLY))

reproduce-docs-check:
	/usr/bin/python3 -m analysis.reproduce --check-docs

# docs/experiments/where_each_regime_wins.md: the grid of kinds of service, two of
# them over the plausible space, and the page's tables and maps written from them.
REGIMES_OUT := out/regimes
regimes: $(BUILD)/govsim
	@mkdir -p $(REGIMES_OUT) docs/experiments/img
	$(BUILD)/govsim run scenarios/where_each_regime_wins.ini -o $(REGIMES_OUT)/where.h5 --force -q
	for k in routine_tight complex_loose; do \
		$(BUILD)/govsim uncertainty scenarios/where/$$k.ini --arms npm,hls --samples 16 \
			-o $(REGIMES_OUT)/$$k.h5 --force || exit 1; \
	done
	$(PYTHON) -m analysis.regimes $(REGIMES_OUT)/where.h5 \
		--uncertainty routine_tight=$(REGIMES_OUT)/routine_tight.h5 \
		--uncertainty complex_loose=$(REGIMES_OUT)/complex_loose.h5 \
		--figures docs/experiments/img --json docs/experiments/where_each_regime_wins.json \
		--page docs/experiments/where_each_regime_wins.md

# The page's tables are those of its results file (no run).
regimes-check:
	$(PYTHON) -c "import sys; from analysis import regimes; \
		s = regimes.check_page('docs/experiments/where_each_regime_wins.md', \
		'docs/experiments/where_each_regime_wins.json'); \
		print('regimes: the page is its results' if not s else 'regimes: stale blocks: ' + ', '.join(s)); \
		sys.exit(1 if s else 0)"

# The figures of docs/reliability.md, written from what the tests saw on this
# machine (tests/reliability/); make check only checks the deterministic ones.
LATENCY_CITIZENS ?= 30000000
reliability: $(BUILD)/govsim $(BUILD)/enospc.so
	GOVSIM_ENOSPC_SHIM=$(BUILD)/enospc.so tests/reliability/reliability.sh $(BUILD)/govsim \
		$(LATENCY_CITIZENS)

figures-check:
	/usr/bin/python3 tests/reliability/test_figures.py
	/usr/bin/python3 tests/reliability/figures.py --check
