// The role model (README "Roles and privileges"), checked before anything is changed so that a role that may
// not do something is told which statement would let it, instead of meeting a raw "permission denied" halfway:
//   - the application role owns the application schema and the broker's tables; migrations create objects as
//     it, whoever runs them (a superuser from psql or pg_cron included);
//   - the application schema holds nothing that another role could have planted: migration scripts run with it
//     on their search_path;
//   - whoever writes the bookkeeping (the role running the migrator or the clean) holds its grants.
// Every refusal is SQLSTATE 42501 with the GRANT / ALTER statement in the hint.
#pragma once
#include "pactflow/executor.hpp"

#include <string>
#include <vector>

namespace pactflow::roles {

// One privilege the current role needs: kind is SCHEMA, TABLE, FUNCTION, PROCEDURE or DATABASE; object is the
// bare name for SCHEMA and DATABASE, else as a GRANT statement names it ("public.versions"). `grant` is the
// statement that grants it, without " TO role" (default: GRANT privilege ON kind object).
struct Privilege {
    std::string kind;
    std::string object;
    std::string privilege;
    std::string grant = {};
};

// Throws 42501 naming the first privilege the current role lacks, with a GRANT for every missing one in the
// hint, prefixed by `who_grants` ("As the application role, pactflow_user:").
void require(Executor &ex, const std::vector<Privilege> &needed, const std::string &purpose,
             const std::string &who_grants);

// Before a migration: the current role must be the application role of `schema` or able to act as it
// (SET ROLE), the schema must be safe to put on a search_path, and the current role must hold the bookkeeping's
// grants when the bookkeeping exists. Returns the role migrations must run as ("" when the current role is it).
std::string check_migrate(Executor &ex, const std::string &schema);

// Before a clean pass: the grants README "Roles and privileges" lists for a maintenance role (fewer for a dry
// run), on the application tables in `schema`.
void check_clean(Executor &ex, const std::string &schema, bool dry_run);

}  // namespace pactflow::roles
