# pactflow-db: the PostgreSQL extension (PGXS) and the project's entry points.
#
#   make demo    install dependencies, build, start a throwaway cluster, run the demo
#   make test    install dependencies, build, run every test suite against a throwaway cluster
#   make deps    install build and test dependencies (Debian 12, apt-get; idempotent)
#   make format  rewrite the C++ files with .clang-format (make format-check: list those that differ)
#   make deb     build the Debian packages into build/deb/ (postgresql-15-pactflow, pactflow-db)
#   make         build the extension (this file, PGXS) and the loader + unit tests (CMake, in build/cmake)

PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

# The one version source.
EXTVERSION := $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" pactflow.control)
EXTENSION = pactflow
MODULE_big = pactflow
# What runs inside the server, listed (no wildcard): the SQL-callable glue and the core objects it uses.
# The loader adds the client-only ones (SigV4, AWS credentials, client bookkeeping, Flyway): CMakeLists.txt,
# which checks that its copy of SERVER_CORE matches this one.
SERVER_EXT = boundary clean_functions encoding merge_functions migrate_functions module search_path spi_executor
SERVER_CORE = app_schema catalog checksum clean clean_categories clean_keep clean_options clean_report \
	clean_selectors clean_tracked merge_engine merge_keys merge_policy merge_sql migrator roles sql_lexer sql_split utf8
OBJS = $(SERVER_EXT:%=extension/%.o) $(SERVER_CORE:%=core/src/%.o) build/gen/embedded_sql.o
# The frozen install script of the first release and the update chain after it: a new installation goes
# through the same scripts as an upgraded one (scripts/check-update-chain checks the chain reaches EXTVERSION).
DATA = $(wildcard sql/$(EXTENSION)--*.sql)
EXTRA_CLEAN = build/gen $(TEST_MODULE) $(TEST_MODULE_OBJS)

WERROR ?= $(if $(CI),-Werror,)
PG_CPPFLAGS = -isystem $(shell $(PG_CONFIG) --includedir-server) -Icore/include -DPACTFLOW_VERSION='"$(EXTVERSION)"'
# Hidden by default: only what PGDLLEXPORT marks (extension/pg.hpp) is visible, and the version script keeps
# the dynamic symbol table to the PostgreSQL entry points (scripts/check-exports compares it with the SQL).
PG_CXXFLAGS = -std=c++17 -Wall -Wextra -Wno-missing-field-initializers -fvisibility=hidden \
	-fvisibility-inlines-hidden $(WERROR)
# Every library the server code calls, linked explicitly (none beyond the C++ runtime: SigV4's OpenSSL is
# the loader's).
SHLIB_LINK = -lstdc++ -Wl,--version-script=$(CURDIR)/extension/exports.map

# pg_regress: one file per suite in regress/sql with its expected output in regress/expected. Files find
# their fixtures through PG_ABS_SRCDIR and the test module through PG_LIBDIR (--dlpath), both set by
# pg_regress, so they run from any directory and over TCP or a Unix socket.
REGRESS = $(sort $(patsubst regress/sql/%.sql,%,$(wildcard regress/sql/*.sql)))
TEST_MODULE_DIR ?= $(or $(PACTFLOW_TEST_MODULE_DIR),$(CURDIR))
REGRESS_OPTS = --inputdir=regress --outputdir=regress --dlpath=$(TEST_MODULE_DIR)
CONTRIB_TESTDB = pactflow_regression

# Debian's server is built --with-llvm; JIT bitcode for our C++ is not worth a clang dependency.
override with_llvm = no

ifneq ($(PGXS),)
include $(PGXS)
endif

build/gen/embedded_sql.cpp: tools/embed-sql FORCE
	@tools/embed-sql sql $@

build/gen/embedded_sql.o: build/gen/embedded_sql.cpp core/include/pactflow/embedded_sql.hpp

# The regress suite's test module (functions that exist only for tests: extension/test_hooks.cpp): built next
# to pactflow.so, loaded by regress/sql/boundary.sql from PG_LIBDIR, never installed by `make install`.
TEST_MODULE = pactflow_test$(DLSUFFIX)
TEST_MODULE_OBJS = extension/test_hooks.o extension/boundary.o extension/spi_executor.o extension/encoding.o \
	core/src/utf8.o
all: $(TEST_MODULE)
$(TEST_MODULE): $(TEST_MODULE_OBJS) extension/test_exports.map
	$(CXX) $(CXXFLAGS) $(LDFLAGS) $(LDFLAGS_SL) -shared -o $@ $(TEST_MODULE_OBJS) \
		-Wl,--version-script=$(CURDIR)/extension/test_exports.map -lstdc++

# Header dependencies: rebuild objects when any header changes.
$(OBJS) $(TEST_MODULE_OBJS): $(wildcard core/include/pactflow/*.hpp core/src/*.hpp extension/*.hpp)
$(shlib): extension/exports.map

FORCE:

.PHONY: deps build loader test demo bench stage format format-check deb FORCE

deps:
	@scripts/install-deps

# Extension staged into .tmp/stage (the throwaway clusters load it from there), loader and tests via CMake.
# The extension's objects compile on every core unless the caller gave make a -j of its own.
NPROC := $(shell nproc 2>/dev/null || echo 1)
build: deps
	@scripts/check-update-chain
	@$(MAKE) --no-print-directory $(if $(filter -j%,$(MAKEFLAGS)),,-j$(NPROC)) all
	@$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/.tmp/stage >/dev/null
	@cmake -S . -B build/cmake -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPACTFLOW_WERROR=$(if $(CI),ON,OFF) >/dev/null
	@cmake --build build/cmake -j2

test: build
	@scripts/run-tests

# debian/ (debhelper + pg_buildext) on a copy of the tree; scripts/test-packages installs and tests them.
deb: deps
	@scripts/build-deb

demo: build
	@scripts/demo

# Core objects never see server headers (pg.hpp refuses PACTFLOW_CORE_ONLY).
core/src/%.o: override CPPFLAGS += -DPACTFLOW_CORE_ONLY

bench: build
	@bench/run

# C++ formatting with .clang-format (clang-format comes with `make deps`): `make format` rewrites the files in
# place; `make format-check` lists the files that differ and fails.
FORMAT_FILES = $(sort $(shell find core extension loader tests -name '*.cpp' -o -name '*.hpp'))
format: deps
	@clang-format -i $(FORMAT_FILES)

format-check: deps
	@out=$$(clang-format --dry-run --Werror $(FORMAT_FILES) 2>&1 \
		| sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error:.*/\1/p' | sort -u); \
	if [ -n "$$out" ]; then \
		echo "format-check: these files differ from .clang-format (make format rewrites them):"; \
		echo "$$out" | sed 's/^/  /'; exit 1; \
	fi; \
	echo "format-check: every file matches .clang-format"
