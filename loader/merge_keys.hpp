// The staging tables' key columns of each row a source streams to the merge, computed by the loader from the row
// itself (pactflow::merge::staging_keys) and appended to it: the target stores them as they come instead of
// computing them per row.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace pactflow::loader {

class StagingKeys {
public:
    // `table`: the extract table; `columns`: its staging table's columns in the order the COPY sends them (its keys
    // not among them).
    StagingKeys(const std::string &table, const std::vector<std::string> &columns);

    // The key columns' names, in the order append() adds them.
    const std::vector<std::string> &names() const { return names_; }
    bool empty() const { return names_.empty(); }

    // `row` (one binary COPY tuple) with the keys appended; valid until the next call. Throws 08P01 when the row
    // does not have the staging table's shape.
    std::string_view append(const char *row, int size);

private:
    struct Part {
        char kind;
        int column;  // position in the row; -1 for a literal
        std::string literal;
    };
    struct Key {
        bool row_key;
        std::vector<Part> parts;
    };
    std::string what_;  // names the rows in errors
    int columns_ = 0;
    std::vector<std::string> names_;
    std::vector<Key> keys_;
    std::vector<int> offsets_;  // per field of the current row: where its length word starts
    std::string out_, value_;
};

}  // namespace pactflow::loader
