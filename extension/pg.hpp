// PostgreSQL server headers for the extension's glue code. Only extension/*.cpp include this; the core
// (core/) refuses to compile with it.
#pragma once
// Core headers must be included before this one (pure.hpp refuses to be first seen after postgres.h),
// and core sources are compiled with PACTFLOW_CORE_ONLY so they can never include it.
#ifdef PACTFLOW_CORE_ONLY
#error "core sources must not include PostgreSQL server headers"
#endif
// Built with -fvisibility=hidden: PostgreSQL 15 defines PGDLLEXPORT as nothing outside Windows, so mark what
// PGDLLEXPORT marks (Pg_magic_func, pg_finfo_* records, our entry points) visible, as PostgreSQL 16 does.
#ifndef PGDLLEXPORT
#define PGDLLEXPORT __attribute__((visibility("default")))
#endif
extern "C" {
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
}
