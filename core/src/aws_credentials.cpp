#include "pactflow/aws_credentials.hpp"

#include "pactflow/error.hpp"

#include <cctype>
#include <fstream>
#include <sstream>

namespace pactflow {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string env_value(const Environment &env, const char *name) {
    auto it = env.find(name);
    return it == env.end() ? std::string() : it->second;
}

// A value's trailing comment: "#" or ";" preceded by white space (keys and secrets never contain spaces).
std::string_view strip_inline_comment(std::string_view v) {
    for (std::size_t i = 1; i < v.size(); ++i)
        if ((v[i] == '#' || v[i] == ';') && std::isspace(static_cast<unsigned char>(v[i - 1]))) return v.substr(0, i);
    return v;
}

[[noreturn]] void no_credentials(const std::string &message, const std::string &detail = {}) {
    throw Error(sqlstate::invalid_parameter_value, message, detail,
                "IAM authentication needs AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and "
                "AWS_SESSION_TOKEN for temporary credentials), or a profile in the shared credentials file "
                "(AWS_SHARED_CREDENTIALS_FILE, AWS_PROFILE).");
}

}  // namespace

std::optional<std::string> read_text_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return std::nullopt;
    return ss.str();
}

std::optional<AwsCredentials> parse_shared_credentials(std::string_view contents, const std::string &profile) {
    struct Section {
        std::optional<std::string> akid, secret, token, legacy_token;
    };
    Section exact, prefixed;
    bool found_exact = false, found_prefixed = false;
    Section *current = nullptr;
    const std::string want = std::string(trim(profile));

    std::size_t pos = 0;
    while (pos <= contents.size()) {
        std::size_t end = contents.find('\n', pos);
        if (end == std::string_view::npos) end = contents.size();
        std::string_view line = trim(contents.substr(pos, end - pos));
        pos = end + 1;
        if (line.empty() || line.front() == '#' || line.front() == ';') continue;
        if (line.front() == '[') {
            current = nullptr;
            std::size_t close = line.find(']');
            if (close == std::string_view::npos) continue;
            std::string name(trim(line.substr(1, close - 1)));
            if (name == want) {
                current = &exact;
                found_exact = true;
            } else if (name.rfind("profile", 0) == 0 && name.size() > 7 &&
                       std::isspace(static_cast<unsigned char>(name[7])) && std::string(trim(name.substr(7))) == want) {
                current = &prefixed;
                found_prefixed = true;
            }
            continue;
        }
        if (!current) continue;
        std::size_t eq = line.find('=');
        if (eq == std::string_view::npos) continue;
        std::string key = lower(trim(line.substr(0, eq)));
        std::string value(trim(strip_inline_comment(trim(line.substr(eq + 1)))));
        if (key == "aws_access_key_id") current->akid = value;
        else if (key == "aws_secret_access_key") current->secret = value;
        else if (key == "aws_session_token") current->token = value;
        else if (key == "aws_security_token") current->legacy_token = value;
    }
    const Section *s = found_exact ? &exact : found_prefixed ? &prefixed : nullptr;
    if (!s || !s->akid || s->akid->empty() || !s->secret || s->secret->empty()) return std::nullopt;
    AwsCredentials c{*s->akid, *s->secret, std::nullopt};
    if (s->token && !s->token->empty()) c.session_token = s->token;
    else if (s->legacy_token && !s->legacy_token->empty()) c.session_token = s->legacy_token;
    return c;
}

std::string aws_profile(const Environment &env) {
    for (const char *name : {"AWS_PROFILE", "AWS_DEFAULT_PROFILE"})
        if (std::string v = env_value(env, name); !v.empty()) return v;
    return "default";
}

std::string shared_credentials_path(const Environment &env) {
    const std::string home = env_value(env, "HOME");
    std::string path = env_value(env, "AWS_SHARED_CREDENTIALS_FILE");
    if (!path.empty()) {
        if ((path == "~" || path.rfind("~/", 0) == 0) && !home.empty()) path = home + path.substr(1);
        return path;
    }
    if (home.empty()) return {};
    return home + (home.back() == '/' ? "" : "/") + ".aws/credentials";
}

ResolvedCredentials resolve_aws_credentials(const Environment &env, const FileReader &read_file) {
    const std::string akid = env_value(env, "AWS_ACCESS_KEY_ID");
    const std::string secret = env_value(env, "AWS_SECRET_ACCESS_KEY");
    if (!akid.empty() && !secret.empty()) {
        AwsCredentials c{akid, secret, std::nullopt};
        if (std::string t = env_value(env, "AWS_SESSION_TOKEN"); !t.empty()) c.session_token = t;
        return {c, "environment"};
    }
    if (!akid.empty()) no_credentials("AWS_SECRET_ACCESS_KEY is not set while AWS_ACCESS_KEY_ID is");
    if (!secret.empty()) no_credentials("AWS_ACCESS_KEY_ID is not set while AWS_SECRET_ACCESS_KEY is");

    const std::string path = shared_credentials_path(env);
    const std::string profile = aws_profile(env);
    if (path.empty())
        no_credentials("no aws credentials: AWS_ACCESS_KEY_ID is not set and there is no shared credentials file",
                       "Neither AWS_SHARED_CREDENTIALS_FILE nor HOME is set.");
    std::optional<std::string> contents = read_file ? read_file(path) : std::nullopt;
    if (!contents)
        no_credentials("no aws credentials: AWS_ACCESS_KEY_ID is not set and \"" + path + "\" cannot be read");
    std::optional<AwsCredentials> c = parse_shared_credentials(*contents, profile);
    if (!c)
        no_credentials("no aws credentials for profile \"" + profile + "\" in \"" + path + "\"",
                       "The profile needs aws_access_key_id and aws_secret_access_key.");
    return {*c, path + " [" + profile + "]"};
}

}  // namespace pactflow
