// prove: applies the folder to a fresh throwaway PostgreSQL cluster and reports, then removes the cluster. The
// server binaries are found the way an installed loader can find them: `pg_config --bindir` (pg_config on
// PATH), else the first PATH folder holding initdb and pg_ctl.
#include "config.hpp"
#include "exit_codes.hpp"
#include "flyway/output.hpp"
#include "flyway/verbs.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

namespace pactflow::loader::flyway {
namespace fs = std::filesystem;

namespace {
volatile std::sig_atomic_t interrupted = 0;
void note_signal(int sig) { interrupted = sig; }

std::string run_capture(const std::string &cmd) {
    std::string out;
    FILE *p = popen(cmd.c_str(), "r");
    if (!p) return out;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}

// The last lines of a log file (read here: PATH may hold no tail).
std::string tail_of(const std::string &file, std::size_t lines = 20) {
    std::ifstream in(file);
    std::vector<std::string> all;
    for (std::string line; std::getline(in, line);) all.push_back(line);
    std::string out;
    for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) out += all[i] + "\n";
    return out;
}

bool executable(const fs::path &p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec) && access(p.c_str(), X_OK) == 0;
}

std::vector<fs::path> path_folders() {
    std::vector<fs::path> out;
    const char *path = std::getenv("PATH");
    std::string rest = path ? path : "";
    std::size_t start = 0;
    while (start <= rest.size()) {
        std::size_t end = rest.find(':', start);
        std::string item = rest.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!item.empty()) out.emplace_back(item);
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return out;
}

bool server_binaries_in(const fs::path &dir) { return executable(dir / "initdb") && executable(dir / "pg_ctl"); }

// Where initdb and pg_ctl are, and how they were found.
std::pair<std::string, std::string> find_server_binaries() {
    for (const auto &dir : path_folders()) {
        if (!executable(dir / "pg_config")) continue;
        const std::string bindir = run_capture(shell_quote((dir / "pg_config").string()) + " --bindir 2>/dev/null");
        if (!bindir.empty() && server_binaries_in(bindir))
            return {bindir, "pg_config --bindir (" + (dir / "pg_config").string() + ")"};
        break;  // the pg_config PATH names first is the one that counts
    }
    for (const auto &dir : path_folders())
        if (server_binaries_in(dir)) return {dir.string(), "PATH"};
    const char *path = std::getenv("PATH");
    throw Error("08001", "cannot start a throwaway PostgreSQL: no initdb found",
                "Looked for pg_config and for initdb with pg_ctl on PATH (" + std::string(path ? path : "") + ").",
                "Install the PostgreSQL server package and put its pg_config (or its bin folder) on PATH.");
}

int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    int port = -1;
    if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0) close(fd);
    return port;
}

// initdb + pg_ctl in a private temporary folder, loopback only, on a free port; as root, run as "postgres".
class ThrowawayCluster {
public:
    ThrowawayCluster() {
        auto [bindir, how] = find_server_binaries();
        bindir_ = bindir;
        how_ = "initdb/pg_ctl from " + bindir_ + ", found through " + how;
        char tmpl[] = "/tmp/pactflow-prove-XXXXXX";
        if (!mkdtemp(tmpl)) throw Error("58030", "cannot create a temporary folder for the throwaway cluster");
        dir_ = tmpl;
        try {
            start();
        } catch (...) {
            stop();
            throw;
        }
    }
    ~ThrowawayCluster() { stop(); }
    ThrowawayCluster(const ThrowawayCluster &) = delete;
    ThrowawayCluster &operator=(const ThrowawayCluster &) = delete;

    const std::string &conninfo() const { return conninfo_; }
    const std::string &how() const { return how_; }

    void stop() {
        if (stopped_) return;
        stopped_ = true;
        if (started_ && std::system((as_server_user() + shell_quote(bindir_ + "/pg_ctl") + " -D " +
                                     shell_quote(dir_ + "/data") + " -m immediate -w -t 60 stop >/dev/null 2>&1")
                                        .c_str()) != 0)
            warn("could not stop the throwaway server in " + dir_);
        std::error_code ec;
        fs::remove_all(dir_, ec);
        info("throwaway cluster removed");
    }

private:
    std::string as_server_user() const {
        return server_user_.empty() ? "" : "runuser -u " + shell_quote(server_user_) + " -- ";
    }

    void start() {
        std::error_code ec;
        fs::permissions(dir_,
                        fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                            fs::perms::others_exec,
                        ec);
        if (geteuid() == 0) {  // initdb refuses to run as root
            struct passwd *pw = getpwnam("postgres");
            if (!pw)
                throw Error("08001",
                            "running as root and there is no unprivileged \"postgres\" user to run the server");
            server_user_ = "postgres";
            if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0)
                throw Error("58030", "cannot hand " + dir_ + " to the postgres user");
        }
        const std::string data = dir_ + "/data";
        std::string cmd = as_server_user() + shell_quote(bindir_ + "/initdb") + " -D " + shell_quote(data) +
                          " -U postgres --auth=trust -E UTF8 --no-locale >" + shell_quote(dir_ + "/initdb.log") +
                          " 2>&1";
        if (std::system(cmd.c_str()) != 0)
            throw Error("08001", "initdb failed for the throwaway cluster", tail_of(dir_ + "/initdb.log"));
        const int port = free_port();
        {
            std::ofstream conf(data + "/postgresql.conf", std::ios::app);
            conf << "\nlisten_addresses = '127.0.0.1'\nport = " << port
                 << "\nunix_socket_directories = ''\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n";
        }
        cmd = as_server_user() + shell_quote(bindir_ + "/pg_ctl") + " -D " + shell_quote(data) + " -l " +
              shell_quote(dir_ + "/server.log") + " -w -t 60 start >/dev/null 2>&1";
        started_ = true;
        if (std::system(cmd.c_str()) != 0)
            throw Error("08001", "the throwaway PostgreSQL server did not start", tail_of(dir_ + "/server.log"));
        conninfo_ = "host=127.0.0.1 port=" + std::to_string(port) + " user=postgres dbname=postgres sslmode=disable";
    }

    std::string dir_, bindir_, server_user_, conninfo_, how_;
    bool started_ = false, stopped_ = false;
};
}  // namespace

int cmd_prove(const Options &o, Folder &folder) {
    auto old_int = std::signal(SIGINT, note_signal);
    auto old_term = std::signal(SIGTERM, note_signal);
    int code = exit_code::ok;
    {
        std::unique_ptr<ThrowawayCluster> cluster;
        try {
            info("prove: starting a throwaway PostgreSQL cluster");
            cluster = std::make_unique<ThrowawayCluster>();
            info("prove: cluster via " + cluster->how());
            Session s(o, cluster->conninfo(), &folder);
            std::string server = s.conn().scalar("SHOW server_version").value_or("?");
            MigrateOutcome r = do_migrate(o, s, folder);
            std::printf("prove: OK: %d migration%s applied to a fresh PostgreSQL %s%s\n", r.applied,
                        r.applied == 1 ? "" : "s", server.c_str(),
                        r.version.empty() ? "" : (", schema version " + r.version).c_str());
        } catch (const ScriptFailed &e) {
            std::printf("prove: FAILED at %s\n  statement: %s\n  error: %s (SQLSTATE %s)\n", e.script().c_str(),
                        e.statement().c_str(), e.cause().c_str(), e.sqlstate().c_str());
            code = exit_code::migration_failed;
        } catch (const Error &e) {
            std::printf("prove: FAILED: %s (SQLSTATE %s)\n", e.what(), e.sqlstate().c_str());
            if (!e.detail().empty()) std::printf("  %s\n", e.detail().c_str());
            code = e.sqlstate().rfind("08", 0) == 0 ? exit_code::cannot_connect : exit_code::migration_failed;
        }
        if (cluster) cluster->stop();
    }
    std::signal(SIGINT, old_int);
    std::signal(SIGTERM, old_term);
    if (interrupted) return 128 + interrupted;
    return code;
}

}  // namespace pactflow::loader::flyway
