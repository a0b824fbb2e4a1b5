// The error type of the core: carries everything a PostgreSQL error report has, so the extension can
// raise it with its SQLSTATE, detail and hint intact, and the loader can branch on the SQLSTATE.
#pragma once
#include "pactflow/pure.hpp"

#include <stdexcept>
#include <string>

namespace pactflow {

// SQLSTATEs used across the project (PostgreSQL's, plus our own class "PF" for conditions the loader
// branches on). Documented in README.md.
namespace sqlstate {
inline constexpr const char *invalid_parameter_value = "22023";
inline constexpr const char *feature_not_supported = "0A000";
inline constexpr const char *object_not_in_prerequisite_state = "55000";
inline constexpr const char *lock_not_available = "55P03";
inline constexpr const char *internal_error = "XX000";
inline constexpr const char *undefined_object = "42704";
inline constexpr const char *data_corrupted = "XX001";
inline constexpr const char *insufficient_privilege = "42501";
// Our class PF: migration bookkeeping conditions.
inline constexpr const char *migration_irreversible = "PF001";  // a needed down step does not exist
inline constexpr const char *migration_unknown = "PF002";       // database has migrations this catalog lacks
inline constexpr const char *migration_failed = "PF003";        // history holds a failed migration
inline constexpr const char *version_skew = "PF004";            // loader / library / SQL versions disagree
inline constexpr const char *major_version_jump = "PF005";      // upgrade skips (or goes back) a major version
inline constexpr const char *bookkeeping_invalid =
    "PF006";  // a bookkeeping row cannot be read or contradicts the schema
inline constexpr const char *merge_conflict_refused = "PF007";  // a merge conflict no policy decides
inline constexpr const char *merge_source_unusable = "PF008";   // a merge source cannot be read as a broker
}  // namespace sqlstate

class Error : public std::runtime_error {
public:
    Error(std::string sqlstate, std::string message, std::string detail = {}, std::string hint = {})
        : std::runtime_error(message), sqlstate_(std::move(sqlstate)), detail_(std::move(detail)),
          hint_(std::move(hint)) {}

    const std::string &sqlstate() const noexcept { return sqlstate_; }
    std::string message() const { return what(); }
    const std::string &detail() const noexcept { return detail_; }
    const std::string &hint() const noexcept { return hint_; }

private:
    std::string sqlstate_;
    std::string detail_;
    std::string hint_;
};

}  // namespace pactflow
