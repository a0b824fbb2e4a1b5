#include "pactflow/sigv4.hpp"

#include "pactflow/error.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

namespace pactflow {
namespace {

const char hex_digits[] = "0123456789abcdef";

std::string to_hex(const unsigned char *p, std::size_t n) {
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        out += hex_digits[p[i] >> 4];
        out += hex_digits[p[i] & 0x0F];
    }
    return out;
}

[[noreturn]] void invalid(const std::string &message, const std::string &hint = {}) {
    throw Error(sqlstate::invalid_parameter_value, message, {}, hint);
}

// The host as the token and libpq both see it: a bare DNS name or address, no scheme, path or port.
void validate_host(const std::string &host) {
    if (host.empty()) invalid("rds iam token: the database host is empty", "Set the RDS endpoint hostname.");
    if (auto p = host.find("://"); p != std::string::npos) {
        std::string bare = host.substr(p + 3);
        if (auto slash = bare.find('/'); slash != std::string::npos) bare.erase(slash);
        invalid("rds iam token: database host \"" + host + "\" has a scheme",
                "Give the bare endpoint hostname, e.g. \"" + bare + "\"; the port is a separate setting.");
    }
    const bool bracketed = host.size() > 2 && host.front() == '[' && host.back() == ']';  // IPv6 literal
    for (unsigned char c : host) {
        if (c <= 0x20 || c == 0x7F || c == '/' || c == '?' || c == '#' || c == '@' || c == ',' || c == '\\')
            invalid("rds iam token: database host \"" + host + "\" is not a hostname",
                    "Give one endpoint hostname, without a path, user or spaces.");
        if (c == ':' && !bracketed)
            invalid("rds iam token: database host \"" + host + "\" includes a port",
                    "Give the port as a separate setting.");
    }
}

void validate(const RdsTokenRequest &r) {
    validate_host(r.host);
    if (r.port < 1 || r.port > 65535)
        invalid("rds iam token: database port " + std::to_string(r.port) + " is out of range (1-65535)",
                "The port is part of the signed host header: give the port the server listens on, e.g. 5432.");
    if (r.region.empty())
        invalid("rds iam token: the aws region is empty", "Set AWS_REGION to the region of the RDS instance.");
    if (!std::all_of(r.region.begin(), r.region.end(),
                     [](unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }))
        invalid("rds iam token: aws region \"" + r.region + "\" is not a region name",
                "A region is lower-case letters, digits and dashes, e.g. us-east-1.");
    if (r.db_user.empty()) invalid("rds iam token: the database user is empty", "Set the database user name.");
    if (r.credentials.access_key_id.empty()) invalid("rds iam token: the aws access key id is empty");
    if (r.credentials.secret_access_key.empty()) invalid("rds iam token: the aws secret access key is empty");
    if (r.signing_time < 0)
        invalid("rds iam token: signing time " + std::to_string(r.signing_time) + " is before 1970");
}

}  // namespace

std::string uri_encode(std::string_view s) {
    std::string out;
    out.reserve(s.size() * 3);
    for (unsigned char c : s) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += "0123456789ABCDEF"[c >> 4];
            out += "0123456789ABCDEF"[c & 0x0F];
        }
    }
    return out;
}

std::string sha256_hex(std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1)
        throw Error(sqlstate::internal_error, "sha-256 digest failed");
    return to_hex(md, len);
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char *>(data.data()), data.size(), md, &len))
        throw Error(sqlstate::internal_error, "hmac-sha256 failed");
    return std::string(reinterpret_cast<const char *>(md), len);
}

std::string amz_date(std::time_t t) {
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm): no gmtime, no locale, no time zone.
    long long secs = static_cast<long long>(t);
    long long days = secs / 86400, rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        --days;
    }
    long long z = days + 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const long long doe = z - era * 146097;
    const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const long long mp = (5 * doy + 2) / 153;
    const long long d = doy - (153 * mp + 2) / 5 + 1;
    const long long m = mp < 10 ? mp + 3 : mp - 9;
    const long long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    char buf[128];
    std::snprintf(buf, sizeof buf, "%04lld%02lld%02lldT%02lld%02lld%02lldZ", y, m, d, rem / 3600, rem % 3600 / 60,
                  rem % 60);
    return buf;
}

RdsTokenParts rds_auth_token_parts(const RdsTokenRequest &r) {
    validate(r);
    const std::string datetime = amz_date(r.signing_time);
    const std::string date = datetime.substr(0, 8);
    const std::string scope = date + "/" + r.region + "/rds-db/aws4_request";
    const std::string host_header = r.host + ":" + std::to_string(r.port);

    std::vector<std::pair<std::string, std::string>> params = {
        {"Action", "connect"},
        {"DBUser", r.db_user},
        {"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
        {"X-Amz-Credential", r.credentials.access_key_id + "/" + scope},
        {"X-Amz-Date", datetime},
        {"X-Amz-Expires", "900"},
        {"X-Amz-SignedHeaders", "host"},
    };
    if (r.credentials.session_token && !r.credentials.session_token->empty())
        params.emplace_back("X-Amz-Security-Token", *r.credentials.session_token);
    // Sorted by encoded name (byte order); all names here are unreserved, so encoding does not change them.
    std::sort(params.begin(), params.end());

    RdsTokenParts out;
    for (const auto &[k, v] : params) {
        if (!out.canonical_query.empty()) out.canonical_query += '&';
        out.canonical_query += uri_encode(k) + "=" + uri_encode(v);
    }
    out.canonical_request = "GET\n/\n" + out.canonical_query + "\nhost:" + host_header + "\n\nhost\n" + sha256_hex("");
    out.string_to_sign = "AWS4-HMAC-SHA256\n" + datetime + "\n" + scope + "\n" + sha256_hex(out.canonical_request);

    const std::string k_date = hmac_sha256("AWS4" + r.credentials.secret_access_key, date);
    const std::string k_region = hmac_sha256(k_date, r.region);
    const std::string k_service = hmac_sha256(k_region, "rds-db");
    const std::string k_signing = hmac_sha256(k_service, "aws4_request");
    const std::string sig = hmac_sha256(k_signing, out.string_to_sign);
    out.signature = to_hex(reinterpret_cast<const unsigned char *>(sig.data()), sig.size());
    out.token = host_header + "/?" + out.canonical_query + "&X-Amz-Signature=" + out.signature;
    return out;
}

std::string rds_auth_token(const RdsTokenRequest &request) { return rds_auth_token_parts(request).token; }

}  // namespace pactflow
