# coopsim: build, test and run.  `make run` and `make test` are the two set-up
# commands: both install missing Debian packages first (make deps).

CC      := gcc
PREFIX  ?= /usr/local
BUILD   ?= build
PKGS    := gsl libconfig
# Recursively expanded on purpose: pkg-config is asked only when a recipe runs,
# that is after `make deps` has installed what was missing.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
CRIT_CFLAGS = $(shell pkg-config --cflags criterion)
CRIT_LIBS   = $(shell pkg-config --libs criterion)

OPT      ?= -O2
SANFLAGS ?=
CFLAGS   := -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror $(OPT) -g -fopenmp \
            -MMD -MP -Iinclude $(SANFLAGS)
LDFLAGS  := -fopenmp $(SANFLAGS)

# The experiment's process layer is chosen at link time (include/coop_dist.h):
# sim/experiment/dist_serial.c (one process) everywhere but in the MPI flavour, which links
# sim/experiment/dist_mpi.c and dist_farm.c instead, the only files that use MPI.
MPIONLY  := sim/experiment/dist_mpi.c sim/experiment/dist_farm.c
SRC      := $(filter-out $(MPIONLY),$(wildcard sim/*/*.c))
MPISRC   := $(filter-out sim/experiment/dist_serial.c,$(wildcard sim/*/*.c))
OBJ      := $(SRC:sim/%.c=$(BUILD)/obj/%.o)
LIBOBJ   := $(filter-out $(BUILD)/obj/cli/main.o,$(OBJ))
TESTSRC  := $(wildcard tests/test_*.c)
TESTBIN  := $(TESTSRC:tests/%.c=$(BUILD)/tests/%)
PROG     := $(BUILD)/coopsim

# The MPI flavour (make mpi): the same sources with $(MPIONLY) for
# sim/experiment/dist_serial.c, built with mpicc, objects in $(BUILD)/mpi/.  MPICC
# is found when a recipe runs (after make deps);
# `make MPICC=` leaves MPI out (make sanitize does: Open MPI's own allocations
# would fail LeakSanitizer).
MPICC    ?= $(shell command -v mpicc 2>/dev/null)
MPIOBJ   := $(MPISRC:sim/%.c=$(BUILD)/mpi/obj/%.o)
MPIPROG  := $(BUILD)/coopsim-mpi

# Debian packages: pkg-config module or command -> package.
DEB_PKGS := pkg-config:pkg-config gsl:libgsl-dev libconfig:libconfig-dev \
            criterion:libcriterion-dev gnuplot:gnuplot-nox \
            mpirun:openmpi-bin mpicc:libopenmpi-dev
# docs/TUTORIAL.md's R and pandas blocks (tests/tutorial.sh, run by make test).
DEB_PKGS += Rscript:r-base-core pandas:python3-pandas

.PHONY: all deps test-deps run test check-tests sanitize bench fuzz fuzz-deps clean install uninstall mpi mutate
.DEFAULT_GOAL := all

all: $(PROG)

$(PROG): $(OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(BUILD)/obj/%.o: sim/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/%.c $(LIBOBJ) | $(BUILD)/tests
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(CRIT_CFLAGS) -o $@ $< $(LIBOBJ) $(LDFLAGS) $(CRIT_LIBS) $(PKG_LIBS) -lm

# The LD_PRELOAD library of tests/test_durability.c (fsync/write/rename order):
# never built with the sanitizers (the test skips itself under ASan).
SHIM     := $(BUILD)/tests/shim_fsync.so
$(BUILD)/tests/test_durability: $(SHIM)
$(SHIM): tests/shim_fsync.c | $(BUILD)/tests
	$(CC) -std=c11 -Wall -Wextra -Werror -O2 -fPIC -shared -o $@ $< -ldl

$(BUILD)/tests:
	mkdir -p $@

mpi: deps
	$(MAKE) $(MPIPROG)

$(MPIPROG): $(MPIOBJ)
	$(MPICC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(BUILD)/mpi/obj/%.o: sim/%.c
	@mkdir -p $(@D)
	$(MPICC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

# Only `make test` needs these: the headless browser that renders the page of
# `coopsim report` (tests/test_report.c).
TEST_DEB_PKGS := chromium:chromium

# Installs only what is missing of the pairs $(1): costs two pkg-config calls when
# all is present.
install_missing = @missing=""; \
	for pair in $(1); do \
	  mod=$${pair%%:*}; deb=$${pair\#*:}; \
	  case $$mod in \
	    pkg-config|gnuplot|mpirun|mpicc|chromium|Rscript) command -v $$mod >/dev/null 2>&1 || missing="$$missing $$deb";; \
	    pandas) /usr/bin/python3 -c 'import pandas' >/dev/null 2>&1 || missing="$$missing $$deb";; \
	    *) command -v pkg-config >/dev/null 2>&1 && pkg-config --exists $$mod || missing="$$missing $$deb";; \
	  esac; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

deps:
	$(call install_missing,$(DEB_PKGS))

test-deps:
	$(call install_missing,$(TEST_DEB_PKGS))

# The default job: the Kazakhstan hypothesis test (docs/HYPOTHESIS.md).
run: deps
	$(MAKE) all
	$(PROG) hypothesis configs/eu_ca.cfg --force
	$(PROG) plot results/eu_ca

test: deps test-deps
	$(MAKE) check-tests

# Every Criterion suite; the end-to-end suites find the program through COOPSIM,
# and the MPI flavour (when mpicc exists) through COOPSIM_MPI.  Then (not under
# the sanitizers, whose objects they would not link) make bench's C helpers.
check-tests: $(PROG) $(TESTBIN) $(if $(MPICC),$(MPIPROG))
	@fail=0; for t in $(TESTBIN); do \
	  echo "== $$t"; COOPSIM=$(PROG) COOPSIM_MPI=$(if $(MPICC),$(MPIPROG)) $$t --jobs 2 || fail=1; \
	done; \
	$(if $(SANFLAGS),,echo "== make bench's C helpers link (tests/bench/helpers.sh)"; \
	tests/bench/helpers.sh $(BUILD)/bench-helpers $(BUILD) || fail=1;) \
	exit $$fail

# make sanitize: every suite built and run under ASan and UBSan; then, when mpicc
# exists, the MPI flavour built with them too and the MPI end-to-end suite (itself
# a plain build: Criterion's runner leaks under ASan) run against it, with leak
# detection off (Open MPI keeps allocations to the end by design).
SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
sanitize: deps
	$(MAKE) BUILD=build/asan OPT=-O1 MPICC= SANFLAGS="$(SANITIZE)" check-tests
	$(if $(MPICC),$(MAKE) BUILD=build/asan OPT=-O1 SANFLAGS="$(SANITIZE)" \
	  build/asan/coopsim build/asan/coopsim-mpi && $(MAKE) $(BUILD)/tests/test_mpi_e2e && \
	  echo "== $(BUILD)/tests/test_mpi_e2e against build/asan/coopsim-mpi" && \
	  ASAN_OPTIONS=detect_leaks=0 COOPSIM=build/asan/coopsim COOPSIM_MPI=build/asan/coopsim-mpi \
	  $(BUILD)/tests/test_mpi_e2e --jobs 2)

bench: deps
	$(MAKE) all $(if $(MPICC),$(MPIPROG))
	tests/bench/run.sh $(PROG)
	tests/bench/sweep.sh $(PROG)
	tests/bench/classic.sh $(PROG)
	tests/bench/kernel.sh $(PROG)
	tests/bench/mpi.sh $(PROG) $(MPIPROG)
	tests/bench/null_size.sh $(PROG)
	tests/bench/infer.sh $(PROG)
	tests/bench/memory.sh $(PROG)

# make mutate: mutation testing of sim/ (tests/mutate/run.sh): each mutant of
# tests/mutate/mutants.txt is applied to a copy of the tree in $(BUILD)/mutate,
# rebuilt and run against the suites the list names; prints the score and the
# survivors, and fails below MUTATE_MIN percent killed (default 95).  Not part of
# `make test`: it takes several minutes.
mutate: deps
	MUTATE_DIR=$(BUILD)/mutate tests/mutate/run.sh

# make fuzz: the libFuzzer targets of tests/fuzz/ (the configuration loader and
# the --set overrides), built with clang, ASan and UBSan into $(BUILD)/fuzz/ and
# run FUZZ_SECONDS each (tests/fuzz/run.sh).  clang, its fuzzer runtime and LLVM's
# OpenMP come from Debian (installed when missing).
FUZZ_SECONDS ?= 60
FUZZCC    := clang
FUZZFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -g -O1 -fopenmp -Iinclude \
             -MMD -MP -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZOBJ   := $(filter-out $(BUILD)/fuzz/obj/cli/main.o,$(SRC:sim/%.c=$(BUILD)/fuzz/obj/%.o))
FUZZBIN   := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

fuzz: deps fuzz-deps
	$(MAKE) $(FUZZBIN)
	tests/fuzz/run.sh $(BUILD)/fuzz $(FUZZ_SECONDS)

fuzz-deps:
	@printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
	  >/tmp/coopsim-fuzz-probe.c; \
	if ! $(FUZZCC) -fsanitize=fuzzer -fopenmp -o /tmp/coopsim-fuzz-probe /tmp/coopsim-fuzz-probe.c \
	     >/dev/null 2>&1; then \
	  echo "make fuzz: installing clang libclang-rt-dev libomp-dev"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    --no-install-recommends clang libclang-rt-dev libomp-dev; \
	fi; rm -f /tmp/coopsim-fuzz-probe /tmp/coopsim-fuzz-probe.c

.SECONDARY: $(FUZZOBJ)  # kept between runs, not deleted as intermediate files

$(BUILD)/fuzz/obj/%.o: sim/%.c
	@mkdir -p $(@D)
	$(FUZZCC) $(FUZZFLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(FUZZOBJ)
	$(FUZZCC) $(FUZZFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) -o $@ $< $(FUZZOBJ) $(PKG_LIBS) -lm

clean:
	rm -rf build

# make install [PREFIX=/usr/local] [DESTDIR=staging]: the program, its man page
# (docs/coopsim.1, made from the help table: tests/test_help.c), the documentation
# and the example configurations (their data files are named relative to them, so
# they run from there: coopsim check $(PREFIX)/share/coopsim/configs/eu_ca.cfg).
SHARE := $(DESTDIR)$(PREFIX)/share
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)/man/man1 $(SHARE)/doc/coopsim \
	  $(SHARE)/coopsim/configs
	install -m 755 $(PROG) $(DESTDIR)$(PREFIX)/bin/coopsim
	install -m 644 docs/coopsim.1 $(SHARE)/man/man1/coopsim.1
	install -m 644 README.md docs/*.md $(SHARE)/doc/coopsim/
	cd configs && find . -type d -exec install -d '$(SHARE)/coopsim/configs/{}' ';' && \
	  find . -type f -exec install -m 644 '{}' '$(SHARE)/coopsim/configs/{}' ';'

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/coopsim $(SHARE)/man/man1/coopsim.1
	rm -rf $(SHARE)/doc/coopsim $(SHARE)/coopsim

-include $(OBJ:.o=.d) $(TESTBIN:=.d) $(MPIOBJ:.o=.d) $(FUZZOBJ:.o=.d) $(FUZZBIN:=.d)
