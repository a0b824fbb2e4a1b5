// Issue 14 point 1: every row of README's "Exit codes" and SQLSTATE tables names the tests that provoke it, and
// those tests exist; the tables list exactly the codes loader/exit_codes.hpp and core/include/pactflow/error.hpp
// define. A code added without a row, or a row without a test, fails here.
#include <gtest/gtest.h>

#include <dirent.h>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {
const std::string src = PACTFLOW_SOURCE_DIR;

std::string read(const std::string &path) {
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

// Rows `| code | meaning | tests |` of the table under the first line that starts with `heading`.
std::map<std::string, std::string> table_after(const std::string &readme, const std::string &heading) {
    std::map<std::string, std::string> rows;
    std::istringstream in(readme);
    std::string line;
    bool seen = false, inside = false;
    while (std::getline(in, line)) {
        if (!seen) {
            seen = line.rfind(heading, 0) == 0;
            continue;
        }
        if (line.rfind("|", 0) != 0) {
            if (inside) break;
            continue;
        }
        inside = true;
        std::smatch m;
        static const std::regex row(R"(^\| *([0-9]+|PF[0-9]{3}) *\|.*\| *([^|]*) \|$)");
        if (std::regex_match(line, m, row)) rows[m[1]] = m[2];
    }
    return rows;
}

// Every TEST(Suite, Name) / TEST_F / TEST_P in tests/**, as "Suite.Name"; every regress suite as "regress/NAME".
std::set<std::string> known_tests() {
    std::set<std::string> names;
    static const std::regex test(R"(TEST(?:_F|_P)?\(\s*(\w+),\s*(\w+)\))");
    for (const std::string dir : {"tests/unit", "tests/live", "tests/roles"}) {
        DIR *d = opendir((src + "/" + dir).c_str());
        if (!d) continue;
        while (const dirent *e = readdir(d)) {
            const std::string f = e->d_name;
            if (f.size() < 4 || f.substr(f.size() - 4) != ".cpp") continue;
            const std::string text = read(src + "/" + dir + "/" + f);
            for (std::sregex_iterator i(text.begin(), text.end(), test), end; i != end; ++i)
                names.insert((*i)[1].str() + "." + (*i)[2].str());
        }
        closedir(d);
    }
    if (DIR *d = opendir((src + "/regress/sql").c_str())) {
        while (const dirent *e = readdir(d)) {
            const std::string f = e->d_name;
            if (f.size() > 4 && f.substr(f.size() - 4) == ".sql") names.insert("regress/" + f.substr(0, f.size() - 4));
        }
        closedir(d);
    }
    return names;
}

std::set<std::string> matches(const std::string &text, const std::string &pattern) {
    std::set<std::string> out;
    const std::regex re(pattern);
    for (std::sregex_iterator i(text.begin(), text.end(), re), end; i != end; ++i) out.insert((*i)[1]);
    return out;
}

void expect_rows_tested(const std::map<std::string, std::string> &rows, const std::set<std::string> &defined,
                        const char *table) {
    std::set<std::string> documented;
    for (const auto &r : rows) documented.insert(r.first);
    EXPECT_EQ(documented, defined) << "README table " << table << " and the code define different codes";
    const auto tests = known_tests();
    for (const auto &[code, cell] : rows) {
        const auto named = matches(cell, R"(`([^`]+)`)");
        EXPECT_FALSE(named.empty()) << table << " row " << code << " names no test";
        for (const auto &t : named) EXPECT_TRUE(tests.count(t)) << table << " row " << code << ": no test " << t;
    }
}
}  // namespace

TEST(ReadmeCodes, EveryExitCodeRowNamesTestsThatExist) {
    const auto rows = table_after(read(src + "/README.md"), "### Exit codes");
    ASSERT_FALSE(rows.empty());
    expect_rows_tested(rows, matches(read(src + "/loader/exit_codes.hpp"), R"(constexpr int \w+ = ([0-9]+);)"),
                       "Exit codes");
}

TEST(ReadmeCodes, EverySqlstateRowNamesTestsThatExist) {
    const auto rows = table_after(read(src + "/README.md"), "## Errors");
    ASSERT_FALSE(rows.empty());
    expect_rows_tested(rows, matches(read(src + "/core/include/pactflow/error.hpp"), R"re("(PF[0-9]{3})")re"),
                       "SQLSTATEs");
}
