// The SQL files compiled into the binary by tools/embed-sql (paths relative to sql/).
#pragma once
#include "pactflow/pure.hpp"

namespace pactflow::embedded {
struct File {
    const char *path;
    const char *content;
};
extern const File files[];
extern const unsigned long file_count;
}  // namespace pactflow::embedded
