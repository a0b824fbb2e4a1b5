// The loader's exit codes (documented in README.md). Containers and scripts branch on them.
#pragma once

namespace pactflow::loader::exit_code {
inline constexpr int ok = 0;                 // also "another clean is running, skipped"
inline constexpr int failure = 1;            // an unexpected error
inline constexpr int bad_configuration = 2;  // invalid arguments or environment; nothing was connected to
inline constexpr int cannot_connect = 3;     // the database could not be reached
inline constexpr int lock_wait_expired = 4;  // another migrator held the lock for longer than --lock-wait
inline constexpr int extension_missing = 5;  // the server has no pactflow extension files
inline constexpr int version_mismatch = 6;   // loader, library and SQL versions disagree
inline constexpr int migration_failed = 7;
inline constexpr int clean_failed = 8;
inline constexpr int insufficient_privilege = 9;  // the role may not do this (42501); the message names the grant
inline constexpr int merge_refused = 10;          // conflicts that change a can-i-deploy answer and no policy decides
inline constexpr int merge_failed = 11;
}  // namespace pactflow::loader::exit_code
