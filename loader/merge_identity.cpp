#include "merge_identity.hpp"

#include "binary_row.hpp"

#include "pactflow/error.hpp"
#include "pactflow/merge.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace pactflow::loader {
namespace {
Error bad_row(const std::string &why) { return unreadable_row("a verification", why); }
}  // namespace

VerificationIdentity::VerificationIdentity(const std::vector<std::string> &columns) {
    auto position = [&](const std::string &name) { return column_position(columns, name, "verifications"); };
    vkey_ = position("vkey");
    for (const auto &f : merge::verification_identity_fields()) hashed_.push_back(position(f.staging_column));
    ctx_ = EVP_MD_CTX_new();
    md5_ = EVP_MD_fetch(nullptr, "MD5", nullptr);  // fetched once, not at every row's EVP_DigestInit_ex
    if (!ctx_ || !md5_) {
        EVP_MD_CTX_free(ctx_);
        EVP_MD_free(md5_);
        throw Error(sqlstate::internal_error, "merge: OpenSSL has no MD5 for the verification identity");
    }
}

VerificationIdentity::~VerificationIdentity() {
    EVP_MD_CTX_free(ctx_);
    EVP_MD_free(md5_);
}

void VerificationIdentity::fill(char *row, int size) {
    field_offsets(row, size, "a verification", offsets_);
    const int count = static_cast<int>(offsets_.size());
    if (vkey_ >= count) throw bad_row("a row of " + std::to_string(count) + " fields");
    for (int h : hashed_)
        if (h >= count) throw bad_row("a row of " + std::to_string(count) + " fields");
    if (int32_at(row + offsets_[vkey_]) != 16) throw bad_row("no 16-byte stand-in for its identity");
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    bool ok = EVP_DigestInit_ex(ctx_, md5_, nullptr) == 1;
    for (int h : hashed_) {
        const char *field = row + offsets_[h];
        ok = ok && EVP_DigestUpdate(ctx_, field, 4 + std::max<std::int32_t>(int32_at(field), 0)) == 1;
    }
    ok = ok && EVP_DigestFinal_ex(ctx_, digest, &digest_len) == 1 && digest_len == 16;
    if (!ok) throw Error(sqlstate::internal_error, "merge: OpenSSL could not compute a verification identity");
    std::memcpy(row + offsets_[vkey_] + 4, digest, 16);
}

}  // namespace pactflow::loader
