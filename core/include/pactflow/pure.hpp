// Included first by every core header: the core is plain C++17, shared by the extension and the loader,
// and must never see PostgreSQL server headers (their longjmp-based errors do not mix with C++ objects).
#pragma once
#ifdef POSTGRES_H
#error "pactflow core headers must not be compiled together with postgres.h"
#endif
