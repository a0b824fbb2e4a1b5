// The product version, compiled in from pactflow.control's default_version by both build systems.
#pragma once
#include "pactflow/pure.hpp"

#ifndef PACTFLOW_VERSION
#error "PACTFLOW_VERSION must be defined by the build (it comes from pactflow.control)"
#endif

namespace pactflow {
inline constexpr const char *version = PACTFLOW_VERSION;
}
