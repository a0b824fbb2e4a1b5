// The identity of each verification a source streams to the merge, computed by the loader from the row itself
// (pactflow::merge::verification_identity_fields): the md5 the SQL computes for rows it reads in a database, over
// the same bytes, which COPY's binary format already carries. The sources then send a stand-in instead of hashing
// every verification themselves (about 1 s of each source's CPU per 190,000 verifications).
#pragma once
#include <string>
#include <vector>

typedef struct evp_md_ctx_st EVP_MD_CTX;
typedef struct evp_md_st EVP_MD;

namespace pactflow::loader {

class VerificationIdentity {
public:
    // `columns`: m_verifications' columns in the order the COPY sends them.
    explicit VerificationIdentity(const std::vector<std::string> &columns);
    ~VerificationIdentity();
    VerificationIdentity(const VerificationIdentity &) = delete;
    VerificationIdentity &operator=(const VerificationIdentity &) = delete;

    // Writes the identity over the row's 16-byte stand-in; `row` is one binary COPY tuple. Throws 08P01 when the
    // row does not have the staging table's shape.
    void fill(char *row, int size);

private:
    std::vector<int> hashed_;   // positions of the identity's fields, in the identity's order
    int vkey_ = -1;             // position of the stand-in
    std::vector<int> offsets_;  // per field of the current row: where its length word starts
    EVP_MD_CTX *ctx_ = nullptr;
    EVP_MD *md5_ = nullptr;
};

}  // namespace pactflow::loader
