# pactflow-db: the PostgreSQL extension (PGXS) and the project's entry points.
#
#   make demo    install dependencies, build, start a throwaway cluster, run the demo
#   make test    install dependencies, build, run every test suite against a throwaway cluster
#   make deps    install build and test dependencies (Debian 12, apt-get; idempotent)
#   make deb     build the Debian packages into build/deb/ (postgresql-15-pactflow, pactflow-db)
#   make         build the extension (this file, PGXS) and the loader + unit tests (CMake, in build/cmake)

PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

# The one version source.
EXTVERSION := $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" pactflow.control)
EXTENSION = pactflow
MODULE_big = pactflow
CORE_SRCS = $(wildcard core/src/*.cpp)
EXT_SRCS = $(wildcard extension/*.cpp)
OBJS = $(EXT_SRCS:.cpp=.o) $(CORE_SRCS:.cpp=.o) build/gen/embedded_sql.o
# The frozen install script of the first release and the update chain after it: a new installation goes
# through the same scripts as an upgraded one (scripts/check-update-chain checks the chain reaches EXTVERSION).
DATA = $(wildcard sql/$(EXTENSION)--*.sql)
EXTRA_CLEAN = build/gen

WERROR ?= $(if $(CI),-Werror,)
PG_CPPFLAGS = -isystem $(shell $(PG_CONFIG) --includedir-server) -Icore/include -DPACTFLOW_VERSION='"$(EXTVERSION)"'
PG_CXXFLAGS = -std=c++17 -Wall -Wextra -Wno-missing-field-initializers $(WERROR)
SHLIB_LINK = -lstdc++

# pg_regress: one file per suite in regress/sql with its expected output in regress/expected.
REGRESS = $(sort $(patsubst regress/sql/%.sql,%,$(wildcard regress/sql/*.sql)))
REGRESS_OPTS = --inputdir=regress --outputdir=regress
CONTRIB_TESTDB = pactflow_regression

# Debian's server is built --with-llvm; JIT bitcode for our C++ is not worth a clang dependency.
override with_llvm = no

ifneq ($(PGXS),)
include $(PGXS)
endif

build/gen/embedded_sql.cpp: tools/embed-sql FORCE
	@tools/embed-sql sql $@

build/gen/embedded_sql.o: build/gen/embedded_sql.cpp core/include/pactflow/embedded_sql.hpp

# Header dependencies: rebuild objects when any header changes.
$(OBJS): $(wildcard core/include/pactflow/*.hpp extension/*.hpp)

FORCE:

.PHONY: deps build loader test demo bench stage deb FORCE

deps:
	@scripts/install-deps

# Extension staged into .tmp/stage (the throwaway clusters load it from there), loader and tests via CMake.
build: deps
	@scripts/check-update-chain
	@$(MAKE) --no-print-directory all
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
