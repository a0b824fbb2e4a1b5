#include "pactflow/bookkeeping.hpp"

#include "pactflow/error.hpp"
#include "pactflow/version.hpp"

namespace pactflow {

std::string bookkeeping_version(Executor &ex) {
    auto exists = [&](const char *table) {
        return ex.scalar("SELECT pg_catalog.to_regclass($1::text) IS NOT NULL", {std::string(table)}) == Value("t");
    };
    if (!exists("pactflow.migration_history")) return "";
    if (!exists("pactflow.bookkeeping_version")) return "0.1.0";
    return ex.scalar("SELECT version FROM pactflow.bookkeeping_version").value_or("0.1.0");
}

std::string ensure_client_bookkeeping(Executor &ex, const Catalog &c) {
    const std::string from = bookkeeping_version(ex);
    const auto &steps = c.bookkeeping_steps();
    std::size_t next = 0;
    if (!from.empty()) {
        while (next < steps.size() && steps[next].version != from) ++next;
        if (next == steps.size())
            throw Error(sqlstate::version_skew,
                        "the pactflow bookkeeping schema is at version " + from + ", which pactflow-db " + version +
                            " does not know",
                        "pactflow.bookkeeping_version says " + from + "; this loader's steps end at " +
                            (steps.empty() ? std::string("none") : steps.back().version) + ".",
                        "A newer pactflow-db has upgraded this database: use that release or a newer one.");
        ++next;
    }
    for (; next < steps.size(); ++next) ex.run_script(steps[next].sql);
    return from;
}

}  // namespace pactflow
