// AWS credentials for RDS IAM authentication, resolved as the AWS SDKs do for static credentials: the
// environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) first, then the shared credentials
// file (AWS_SHARED_CREDENTIALS_FILE or $HOME/.aws/credentials) under profile AWS_PROFILE (or AWS_DEFAULT_PROFILE,
// or "default"). The environment and the file reader are inputs, so this is pure and unit-testable.
// Not covered (they need HTTP): instance metadata, ECS container credentials, web identity / SSO.
#pragma once
#include "pactflow/pure.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace pactflow {

struct AwsCredentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::optional<std::string> session_token;  // temporary credentials (STS)
};

using Environment = std::map<std::string, std::string>;
// Returns a file's contents, or nullopt when it cannot be read (missing file).
using FileReader = std::function<std::optional<std::string>(const std::string &path)>;

// The default FileReader: reads the whole file from disk.
std::optional<std::string> read_text_file(const std::string &path);

// The credentials for `profile` in a shared credentials file (INI: "[name]" sections, "key = value" lines,
// full-line comments with # or ;, and " #" / " ;" after a value; keys are case-insensitive). A "[profile name]"
// section is accepted when there is no "[name]" one. nullopt when the profile is absent or lacks
// aws_access_key_id / aws_secret_access_key. aws_session_token (or the legacy aws_security_token) is optional.
std::optional<AwsCredentials> parse_shared_credentials(std::string_view contents, const std::string &profile);

// The profile name (AWS_PROFILE, AWS_DEFAULT_PROFILE, "default") and the credentials file path
// (AWS_SHARED_CREDENTIALS_FILE with a leading "~/" expanded, or $HOME/.aws/credentials; empty when neither
// can be formed).
std::string aws_profile(const Environment &env);
std::string shared_credentials_path(const Environment &env);

// Where resolved credentials came from, for logs (never the secrets themselves).
struct ResolvedCredentials {
    AwsCredentials credentials;
    std::string source;  // "environment" or "<path> [profile]"
};

// Resolves credentials; throws pactflow::Error (22023) when there are none, or when only one of
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY is set. Messages never contain a secret.
ResolvedCredentials resolve_aws_credentials(const Environment &env, const FileReader &read_file = read_text_file);

}  // namespace pactflow
