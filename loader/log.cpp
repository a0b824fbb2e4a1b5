#include "log.hpp"

#include "pactflow/error.hpp"

#include <chrono>
#include <ctime>

namespace pactflow::loader {

Level parse_level(const std::string &name) {
    if (name == "DEBUG") return Level::debug;
    if (name == "INFO") return Level::info;
    if (name == "WARN" || name == "WARNING") return Level::warn;
    if (name == "ERROR") return Level::error;
    if (name == "FATAL") return Level::fatal;
    throw Error(sqlstate::invalid_parameter_value, "invalid log level \"" + name + "\"",
                "Allowed: DEBUG, INFO, WARN, ERROR, FATAL.", "");
}

const char *level_name(Level l) {
    static const char *names[] = {"DEBUG", "INFO", "WARN", "ERROR", "FATAL"};
    return names[static_cast<int>(l)];
}

namespace {
std::string timestamp() {
    using namespace std::chrono;
    auto now = system_clock::now();
    std::time_t t = system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    long ms = static_cast<long>(duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000);
    char out[40];
    std::snprintf(out, sizeof out, "%s.%03ldZ", buf, ms);
    return out;
}

const char *colour(Level l) {
    switch (l) {
        case Level::debug: return "\033[2m";
        case Level::info: return "\033[32m";
        case Level::warn: return "\033[33m";
        default: return "\033[31m";
    }
}
}  // namespace

void Logger::log(Level l, const std::string &message, const nlohmann::json &fields) const {
    if (!enabled(l)) return;
    std::string line;
    if (format_ == "json") {
        nlohmann::json j = {
            {"time", timestamp()}, {"level", level_name(l)}, {"name", "pactflow-db"}, {"message", message}};
        if (fields.is_object())
            for (auto it = fields.begin(); it != fields.end(); ++it) j[it.key()] = it.value();
        line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
        const bool c = format_ == "color";
        line = timestamp() + " " + (c ? colour(l) : "") + level_name(l) + (c ? "\033[0m" : "") + " " + message;
        if (fields.is_object() && !fields.empty())
            line += " " + fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    std::fprintf(out_, "%s\n", line.c_str());
    std::fflush(out_);
}

}  // namespace pactflow::loader
