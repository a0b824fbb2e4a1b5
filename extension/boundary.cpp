#include "boundary.hpp"

#include "pactflow/error.hpp"

#include <cstdio>
#include <new>

namespace pactflow::pg {
namespace {
std::string field(const char *s) { return s ? s : ""; }
}  // namespace

ServerError::ServerError(ErrorData *data)
    : Error(unpack_sql_state(data->sqlerrcode), field(data->message), field(data->detail), field(data->hint)),
      data_(data) {}

namespace {
// Copies of a C++ error's fields. Static storage: filling them cannot allocate (so cannot fail) inside a
// catch block, and ereport copies them before the longjmp.
struct CopiedError {
    char sqlstate[6];
    char message[4096];
    char detail[4096];
    char hint[2048];
};
CopiedError copied;

void copy_field(char *dst, std::size_t size, const char *src) { snprintf(dst, size, "%s", src ? src : ""); }

void copy_error(const char *state, const char *message, const char *detail, const char *hint) {
    copy_field(copied.sqlstate, sizeof copied.sqlstate, state);
    copy_field(copied.message, sizeof copied.message, message);
    copy_field(copied.detail, sizeof copied.detail, detail);
    copy_field(copied.hint, sizeof copied.hint, hint);
}

bool valid_sqlstate(const char *s) {
    for (int i = 0; i < 5; ++i)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z'))) return false;
    return s[5] == '\0';
}
}  // namespace

Datum dispatch(FunctionCallInfo fcinfo, Datum (*impl)(FunctionCallInfo)) {
    ErrorData *pg_error = nullptr;
    try {
        return impl(fcinfo);
    } catch (const PgError &e) {
        pg_error = e.data();
    } catch (const ServerError &e) {
        pg_error = e.data();  // unchanged, with its context
    } catch (const Error &e) {
        copy_error(e.sqlstate().c_str(), e.what(), e.detail().c_str(), e.hint().c_str());
    } catch (const std::bad_alloc &) {
        copy_error("53200", "out of memory in pactflow", "", "");
    } catch (const std::exception &e) {
        copy_error("XX000", e.what(), "An unexpected C++ exception reached the SQL boundary.",
                   "This is a bug in pactflow; please report it with the statement that caused it.");
    } catch (...) {
        copy_error("XX000", "unknown C++ exception in pactflow", "", "This is a bug in pactflow; please report it.");
    }
    // No exception object is alive past this point: raising is safe.
    if (pg_error) ReThrowError(pg_error);
    if (!valid_sqlstate(copied.sqlstate)) copy_field(copied.sqlstate, sizeof copied.sqlstate, "XX000");
    const char *s = copied.sqlstate;
    ereport(ERROR, (errcode(MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4])), errmsg_internal("%s", copied.message),
                    copied.detail[0] ? errdetail_internal("%s", copied.detail) : 0,
                    copied.hint[0] ? errhint("%s", copied.hint) : 0));
    pg_unreachable();
}

}  // namespace pactflow::pg
