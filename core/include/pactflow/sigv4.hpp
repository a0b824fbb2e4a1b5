// RDS IAM authentication tokens without the AWS SDK: a SigV4 presigned "rds-db" connect URL (no scheme),
// used as the PostgreSQL password. Algorithm: AWS Signature Version 4 with the query string
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html) for the rds-db service
// (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.html); test vectors from the
// AWS SDKs' own tests in tests/unit/sigv4_test.cpp.
//
//   <host>:<port>/?Action=connect&DBUser=<user>&X-Amz-Algorithm=AWS4-HMAC-SHA256
//     &X-Amz-Credential=<akid>%2F<date>%2F<region>%2Frds-db%2Faws4_request&X-Amz-Date=<amzdate>
//     &X-Amz-Expires=900[&X-Amz-Security-Token=<token>]&X-Amz-SignedHeaders=host&X-Amz-Signature=<hex>
//
// The signing time is an input (the core never reads the clock). A token is valid for 15 minutes and is only
// checked when a connection is opened: mint one per connection attempt.
#pragma once
#include "pactflow/pure.hpp"

#include "pactflow/aws_credentials.hpp"

#include <ctime>
#include <string>
#include <string_view>

namespace pactflow {

struct RdsTokenRequest {
    // The bare endpoint hostname, e.g. mydb.abc123.us-east-1.rds.amazonaws.com. A scheme ("https://..."), a
    // path, or an embedded ":port" is rejected rather than stripped: the same value goes to libpq as the host
    // to connect to, and a token signed for a different host than the one connected to is useless.
    std::string host;
    int port = 5432;      // 1..65535; part of the signed host header
    std::string region;   // e.g. us-east-1 (from configuration, never guessed from the hostname)
    std::string db_user;  // the database role, granted rds_iam
    AwsCredentials credentials;
    std::time_t signing_time = 0;  // seconds since the epoch, UTC
};

// Every intermediate value of the signature, for tests and debugging (the token itself is a secret).
struct RdsTokenParts {
    std::string canonical_query;  // without X-Amz-Signature
    std::string canonical_request;
    std::string string_to_sign;
    std::string signature;  // lower-case hex
    std::string token;      // the password
};

// Throws pactflow::Error (SQLSTATE 22023) for invalid input: empty or malformed host, port out of range,
// empty or malformed region, empty user, missing access key id / secret. Messages name the offending value
// but never a secret.
std::string rds_auth_token(const RdsTokenRequest &request);
RdsTokenParts rds_auth_token_parts(const RdsTokenRequest &request);

// Building blocks (exposed for tests).
std::string uri_encode(std::string_view s);  // RFC 3986: only A-Z a-z 0-9 - _ . ~ kept, %XX upper-case
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string amz_date(std::time_t t);                                   // YYYYMMDD'T'HHMMSS'Z' (UTC)

}  // namespace pactflow
