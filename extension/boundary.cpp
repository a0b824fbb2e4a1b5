#include "boundary.hpp"
#include "encoding.hpp"

#include "pactflow/error.hpp"

#include <cstdio>
#include <cstring>
#include <new>

extern "C" {
#include "mb/pg_wchar.h"
}

namespace pactflow::pg {
namespace {
// A server message field in UTF-8, as the core works in UTF-8 (the database may use another encoding).
std::string field(const char *s) {
    if (!s) return "";
    const int len = static_cast<int>(std::strlen(s));
    return std::string(guarded([s, len] { return server_to_utf8(s, len); }));
}
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

// Copies src (UTF-8) into dst; a cut never leaves half a character behind.
void copy_field(char *dst, std::size_t size, const char *src) {
    snprintf(dst, size, "%s", src ? src : "");
    std::size_t n = std::strlen(dst);
    if (n + 1 < size) return;
    std::size_t start = n;
    while (start > 0 && (static_cast<unsigned char>(dst[start - 1]) & 0xC0) == 0x80) --start;  // continuation bytes
    if (start > 0) {
        const unsigned char lead = static_cast<unsigned char>(dst[start - 1]);
        const std::size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (want > 1 && n - (start - 1) < want) dst[start - 1] = '\0';
    }
}

// The copied fields are UTF-8; the server's messages are in the database's encoding. A character the database
// cannot hold becomes '?'.
const char *to_server_encoding(char *buf, std::size_t size) {
    const int len = static_cast<int>(std::strlen(buf));
    const char *volatile out = buf;
    MemoryContext cxt = CurrentMemoryContext;
    PG_TRY();
    { out = utf8_to_server(buf, len); }
    PG_CATCH();
    {
        MemoryContextSwitchTo(cxt);
        FlushErrorState();
        for (std::size_t i = 0; i < size && buf[i]; ++i)
            if (static_cast<unsigned char>(buf[i]) >= 0x80) buf[i] = '?';
        out = buf;
    }
    PG_END_TRY();
    return out;
}

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

InternalSubtransaction::InternalSubtransaction() : cxt_(CurrentMemoryContext), owner_(CurrentResourceOwner) {
    guarded([] { BeginInternalSubTransaction(nullptr); });
    MemoryContextSwitchTo(cxt_);
}

void InternalSubtransaction::end(bool commit) {
    if (commit) guarded([] { ReleaseCurrentSubTransaction(); });
    else guarded([] { RollbackAndReleaseCurrentSubTransaction(); });
    MemoryContextSwitchTo(cxt_);
    CurrentResourceOwner = owner_;
}

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
    const char *message = to_server_encoding(copied.message, sizeof copied.message);
    const char *detail = to_server_encoding(copied.detail, sizeof copied.detail);
    const char *hint = to_server_encoding(copied.hint, sizeof copied.hint);
    ereport(ERROR, (errcode(MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4])), errmsg_internal("%s", message),
                    detail[0] ? errdetail_internal("%s", detail) : 0, hint[0] ? errhint("%s", hint) : 0));
    pg_unreachable();
}

}  // namespace pactflow::pg
