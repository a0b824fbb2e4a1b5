// One tuple of COPY's binary format, as the merge loader reads it from a source: its field count (int16), then per
// field its length (int32, -1 for NULL) and its bytes; integers big-endian.
#pragma once
#include "pactflow/error.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace pactflow::loader {

std::int32_t int32_at(const char *p);

// The error for a row a source sent that does not have its staging table's shape (08P01): `what` names the row (for
// example "a verification"), `why` what is wrong with it.
Error unreadable_row(const std::string &what, const std::string &why);

// The position of column `name` in `columns` (a staging table's columns in the order the COPY sends them); an
// internal error naming `table` when it has none.
int column_position(const std::vector<std::string> &columns, const std::string &name, const std::string &table);

// Where each field's length word starts in `row`, into `offsets`. Throws 08P01 naming `what` (for example "a
// verification") when `row` is not one well-formed tuple.
void field_offsets(const char *row, int size, const std::string &what, std::vector<int> &offsets);

}  // namespace pactflow::loader
