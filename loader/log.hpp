// The loader's log: one line per event on stderr, as PACTFLOW_LOG_FORMAT says: `json` (default; one JSON
// object a line, for log shippers), `default` (plain text) or `color` (ANSI colours). Events below
// PACTFLOW_LOG_LEVEL are dropped. Messages never carry secrets: callers log Config::redacted_description().
#pragma once
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

namespace pactflow::loader {

enum class Level { debug = 0, info, warn, error, fatal };

// "DEBUG".."FATAL" (also "WARNING"); throws pactflow::Error 22023 for anything else.
Level parse_level(const std::string &name);
const char *level_name(Level l);

class Logger {
public:
    Logger(Level min = Level::info, std::string format = "json", std::FILE *out = stderr)
        : min_(min), format_(std::move(format)), out_(out) {}

    bool enabled(Level l) const { return l >= min_; }
    // `fields` (an object) is merged into the JSON line, or appended as JSON in the text formats.
    void log(Level l, const std::string &message, const nlohmann::json &fields = nlohmann::json::object()) const;
    void debug(const std::string &m, const nlohmann::json &f = nlohmann::json::object()) const {
        log(Level::debug, m, f);
    }
    void info(const std::string &m, const nlohmann::json &f = nlohmann::json::object()) const {
        log(Level::info, m, f);
    }
    void warn(const std::string &m, const nlohmann::json &f = nlohmann::json::object()) const {
        log(Level::warn, m, f);
    }
    void error(const std::string &m, const nlohmann::json &f = nlohmann::json::object()) const {
        log(Level::error, m, f);
    }

    std::FILE *stream() const { return out_; }
    const std::string &format() const { return format_; }

private:
    Level min_;
    std::string format_;
    std::FILE *out_;
};

}  // namespace pactflow::loader
