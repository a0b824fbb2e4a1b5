// Tracked categories: overwritten pact publications, duplicate verifications, orphan pact versions.
//
// Whether a row of these qualifies depends on other rows (is it still the latest revision, the latest
// verification, is it still referenced?), so finding the oldest that qualify means looking at every row of
// tables with millions of them. With the capture triggers of migration 20260226_pactflow_add_clean_change_capture
// in place, a pass looks only at:
//   - the rows added since the category's last pass: ids from pactflow.clean_frontier.next_id on, walked in id
//     order like any search (a first pass, or one after the triggers changed, starts at 0);
//   - the rows named in the change set (pactflow_clean_changes), which the triggers fill in the same
//     transaction as any change that can make an older row qualify: a latest pointer that moves or goes, a
//     reference that goes, a row inserted (also one whose insert was still in flight when a pass walked past
//     its id), a creation time changed; and which passes fill with what they must look at again: rows that
//     qualify but were not deleted (beyond the limit, busy), rows that will qualify by aging alone (superseded
//     but younger than overwritten_data_max_age), the pact versions a pass orphaned itself, the ids only the
//     versions' recheck named that a pass did not get to test (TrackedSource). A pass takes out only the rows of
//     the ids it tested: one too young for its category (Category::young) is not even read and stays in the set,
//     whatever recorded it, until a pass's cutoff passes it; one the pass did not get to stays as it is.
// So every row that qualifies is either at or past next_id or in the change set: the pass still deletes the
// oldest rows that qualify. The triggers are checked on every pass (all present, all enabled, the same oids
// as when next_id was recorded); otherwise the category starts over from 0. Changes made with the triggers
// disabled or under session_replication_role = replica are not recorded: README "Clean" says how to start over.
//
// Versions ('k', migration 20260301_pactflow_add_clean_keep_capture) use the same walk and change set: whether a
// version is kept depends on its tags, branches, deployments and on newer versions, and in the steady state the old
// versions are the ones kept for good. Their triggers record the versions that may have stopped being kept; what
// ages out needs no trigger: the pass checks the versions a max_age boundary passed since the last pass's `now`,
// which the frontier keeps beside the selectors' fingerprint.
#include "clean_internal.hpp"

#include "pactflow/clean_options.hpp"

#include <algorithm>
#include <set>

namespace pactflow::clean::detail {
namespace {

constexpr long long capture_triggers = 18, keep_triggers = 26;

// The change set is a queue: its rows come and go, so after a burst (a bulk load, a first clean that deletes
// millions of rows) its heap and its (kind, seq) index keep many empty pages, and the planner, which costs pages,
// reads the whole heap instead of the few live index pages of one kind: a cost that follows the largest change
// set ever seen, not the one at hand. Statements that read it by kind (or delete rows by seq) therefore go through
// an index.
std::vector<Row> by_kind(Pass &p, const std::string &sql, const Params &params) {
    return with_setting(p.ex, "enable_seqscan", "off", [&] { return p.ex.query(sql, params); });
}

// Candidates of a tracked category: the rows the change set (and the recheck) named that qualify, merged with the
// search of the rows from `from` on. The named rows are tested in id order and only as far as an answer needs: a
// pass that deletes its limit from a day's 2,000 aged-out versions tests about as many as it deletes, and the rest
// stay in the set for the next pass (from consumed() on). Every untested id is above every id an answer returned, so
// no named row older than the rows a pass deletes is skipped. Remembers how far the search looked and what it found.
class TrackedSource : public Source {
public:
    TrackedSource(Pass &p, const Category &c, Ids named, long long from)
        : p_(p), c_(c), named_(std::move(named)), from_(from) {
        table_max_ = std::stoll(p_.ex.scalar("SELECT coalesce(max(id), 0) FROM " + c_.table).value_or("0"));
        walk_end_ = from_ - 1;
    }

    Ids find(long long after, std::size_t want) const override {
        Ids walk = find_oldest_rows(p_, c_, std::max(after, from_ - 1), want);
        // A full answer stops the search at its last row; a short one means it looked at everything.
        walk_end_ = std::max(walk_end_, walk.size() == want ? walk.back() : table_max_);
        walked_.insert(walk.begin(), walk.end());
        for (;;) {
            Ids merged;
            for (long long id : changed_)
                if (id > after) merged.push_back(id);
            merged.insert(merged.end(), walk.begin(), walk.end());
            std::sort(merged.begin(), merged.end());
            merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
            if (merged.size() > want) merged.resize(want);
            if (next_ == named_.size() || (merged.size() == want && named_[next_] > merged.back())) return merged;
            test_next(merged.size() < want ? want - merged.size() : 0, merged.empty() ? 0 : merged.back());
        }
    }

    long long walk_end() const { return walk_end_; }
    const std::set<long long> &walked() const { return walked_; }
    const Ids &changed() const { return changed_; }  // named, tested, qualify
    const Ids &tested() const { return tested_; }    // named, tested, still exist
    std::size_t consumed() const { return next_; }   // named_[0..consumed()) were tested (or no longer exist)

private:
    // Tests the next named rows: enough for `need` more that qualify at the rate seen so far (a quarter more, for
    // rows that turn out not to), or, when the answer is full (need 0), those below its last row `below`.
    void test_next(std::size_t need, long long below) const {
        constexpr std::size_t most = 10000;  // ids per statement
        std::size_t n = 0;
        if (need == 0) {
            while (next_ + n < named_.size() && named_[next_ + n] < below && n < most) ++n;
        } else {
            const double rate =
                tested_count_ == 0
                    ? 1.0
                    : std::max(0.05, static_cast<double>(qualified_count_) / static_cast<double>(tested_count_));
            n = std::min(most, static_cast<std::size_t>(static_cast<double>(need) / rate * 1.25) + 16);
        }
        n = std::max<std::size_t>(1, std::min(n, named_.size() - next_));
        const Ids chunk(named_.begin() + static_cast<std::ptrdiff_t>(next_),
                        named_.begin() + static_cast<std::ptrdiff_t>(next_ + n));
        next_ += n;
        tested_count_ += n;
        SqlParams sp;
        const std::string set = sp.add(array_literal(chunk), "integer[]");
        for (const Row &r : by_kind(p_,
                                    "SELECT x.id, " + row_qualifies(c_, "x", sp) + " FROM " + c_.table +
                                        " x WHERE x.id = ANY(" + set + ") ORDER BY x.id",
                                    sp.values())) {
            tested_.push_back(std::stoll(r.at(0).value_or("0")));
            if (r.at(1) == Value("t")) {
                changed_.push_back(tested_.back());
                ++qualified_count_;
            }
        }
    }

    Pass &p_;
    const Category &c_;
    Ids named_;  // sorted, distinct
    long long from_;
    long long table_max_ = 0;
    mutable std::size_t next_ = 0;  // named_[next_..] are untested
    mutable std::size_t tested_count_ = 0, qualified_count_ = 0;
    mutable Ids tested_, changed_;
    mutable long long walk_end_;
    mutable std::set<long long> walked_;
};

}  // namespace

Capture read_capture(Pass &p) {
    Capture cap;
    const std::string changes = p.t("pactflow_clean_changes");
    if (!p.ex.scalar("SELECT pg_catalog.to_regclass($1)", {changes})) return cap;
    // Oid, state and row version of each trigger: dropping, recreating, disabling or enabling one changes it.
    for (const Row &r : p.ex.query(
             "SELECT t.tgname LIKE 'pactflow\\_keep\\_%', count(*), string_agg(t.oid::text || t.tgenabled::text || "
             "':' || t.xmin::text, ',' ORDER BY t.oid) "
             "FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
             "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
             "WHERE n.nspname = $1 AND (t.tgname LIKE 'pactflow\\_clean\\_%' OR t.tgname LIKE 'pactflow\\_keep\\_%') "
             "AND t.tgenabled IN ('O', 'A') GROUP BY 1",
             {p.o.schema})) {
        const bool keep = r.at(0) == Value("t");
        if (std::stoll(r.at(1).value_or("0")) != (keep ? keep_triggers : capture_triggers)) continue;
        (keep ? cap.keep_active : cap.active) = true;
        (keep ? cap.keep_fingerprint : cap.fingerprint) = r.at(2).value_or("");
    }
    if (!cap.active && !cap.keep_active) return cap;
    auto reset = p.ex.scalar("SELECT max(seq) FROM " + changes + " WHERE kind = 'R'");
    if (reset) {
        cap.reset = true;
        cap.reset_seq = std::stoll(*reset);
    }
    return cap;
}

Tracking version_tracking(Pass &p, const Capture &cap, const std::vector<Selector> &selectors) {
    Tracking t;
    t.active = cap.keep_active;
    t.reset = cap.reset;
    json used = json::array();
    for (const auto &s : selectors) used.push_back(s.to_json());
    t.fingerprint = cap.keep_fingerprint + "|" + p.ex.scalar("SELECT pg_catalog.md5($1)", {used.dump()}).value_or("");
    t.note = p.o.now;
    const Tables tables = p.t;
    const std::string now = p.o.now;
    // The versions a max_age boundary passed since the last pass (whole UTC days). Everything else that can end a
    // version's keep is a change the triggers record: selectors with "latest" among deployed or released versions
    // keep nothing more than the unscoped {"deployed"} and {"released"} every pass has (parse_selectors adds them)
    // for as long as the holder stays deployed or released.
    t.recheck = [tables, now, selectors](const std::string &last, SqlParams &sp) {
        const std::string versions = tables("versions");
        // A note that is not a time: check every version below the frontier once.
        if (last.size() < 10) return "SELECT x.id FROM " + versions + " x";
        std::string ranges;
        for (const auto &s : selectors) {
            if (!s.max_age) continue;
            const std::string from = day_start_minus(last, *s.max_age), to = day_start_minus(now, *s.max_age);
            if (from >= to) continue;
            ranges += (ranges.empty() ? "" : " OR ") + std::string("(x.created_at >= ") + sp.add(from, "timestamp") +
                      " AND x.created_at < " + sp.add(to, "timestamp") + ")";
        }
        return ranges.empty() ? std::string() : "SELECT x.id FROM " + versions + " x WHERE " + ranges;
    };
    return t;
}

CategoryOutcome run_tracked_category(Pass &p, const Category &c, const Capture &cap, char kind,
                                     const Ids &keep_for_next) {
    Tracking t;
    t.active = cap.active;
    t.fingerprint = cap.fingerprint;
    t.reset = cap.reset;
    return run_tracked_category(p, c, t, kind, keep_for_next);
}

CategoryOutcome run_tracked_category(Pass &p, const Category &c, const Tracking &tracking, char kind,
                                     const Ids &keep_for_next) {
    if (!tracking.active) {
        // Without the triggers every row is looked at; what was recorded before no longer holds.
        if (!p.o.dry_run && p.ex.scalar("SELECT pg_catalog.to_regclass('pactflow.clean_frontier')"))
            p.ex.query("DELETE FROM pactflow.clean_frontier WHERE category = $1", {c.name});
        return run_category(p, c);
    }
    const std::string k(1, kind), changes = p.t("pactflow_clean_changes");
    long long from = 0;
    std::string last_note;
    auto state = p.ex.query("SELECT next_id, capture FROM pactflow.clean_frontier WHERE category = $1", {c.name});
    if (!state.empty() && !tracking.reset) {
        // Stored: the fingerprint, then the note after a line break.
        const std::string stored = state[0][1].value_or("");
        const std::size_t cut = stored.find('\n');
        if (stored.substr(0, cut) == tracking.fingerprint) {
            from = std::stoll(state[0][0].value_or("0"));
            if (cut != std::string::npos) last_note = stored.substr(cut + 1);
        }
    }
    // The change set is read, and only the rows of the ids the pass tested are taken out of it at the end, by their
    // seq: a row a writer commits while the pass runs, even one numbered lower than those read, stays for the next
    // pass, and so do the rows of the ids the pass did not get to test (a catch-up after days without a clean names
    // tens of thousands of versions; taking them all out and putting back all but the few hundred tested cost every
    // pass of it as much as the rest of the pass). A dry run only reads.
    // named: the ids the rows read (and the recheck) name, tested as far as the pass needs (TrackedSource);
    // seqs: the seqs of the rows read, grouped by id in the order of named: named[i]'s end at seqs_end[i] (none for
    // an id only the recheck named).
    Ids named, seqs;
    std::vector<std::size_t> seqs_end;
    if (from > 0) {
        SqlParams sp;
        const std::string kind_p = sp.add(k, "\"char\"");
        // Rows too young to qualify now stay (one probe each) whatever recorded them: a later pass takes them.
        const std::string untaken = c.young ? " AND " + row_test("NOT EXISTS (SELECT 1 FROM " + c.table +
                                                                 " x WHERE x.id = c.id AND " + c.young("x", sp) + ")")
                                            : "";
        std::string all = "SELECT seq, id FROM e";
        const std::string more = tracking.recheck ? tracking.recheck(last_note, sp) : "";
        if (!more.empty())
            all += " UNION ALL SELECT NULL, r.id FROM (" + more + ") r(id) WHERE r.id < " +
                   sp.add(std::to_string(from), "bigint");
        // Sorted rows rather than one aggregated row per id: the planner, with the set's statistics of some earlier
        // size, sizes a hash aggregate for a few hundred ids and spills (66 against 25 ms for 58,000 rows).
        for (const Row &r :
             by_kind(p,
                     "WITH e AS MATERIALIZED (SELECT c.seq, c.id FROM " + changes + " c WHERE kind = " + kind_p +
                         untaken + ") SELECT n.id, n.seq FROM (" + all + ") n(seq, id) ORDER BY 1, 2",
                     sp.values())) {
            const long long id = std::stoll(r.at(0).value_or("0"));
            if (named.empty() || named.back() != id) {
                named.push_back(id);
                seqs_end.push_back(seqs.size());
            }
            if (r.at(1)) {
                seqs.push_back(std::stoll(*r.at(1)));
                seqs_end.back() = seqs.size();
            }
        }
    } else if (!p.o.dry_run) {
        // Starting over: every row is looked at, so what the set named before is covered.
        by_kind(p, "DELETE FROM " + changes + " WHERE kind = $1::\"char\"", {k});
    }
    TrackedSource source(p, c, named, from);
    CategoryOutcome out = run_category(p, c, &source);
    if (p.o.dry_run) return out;

    // The set's rows of the ids tested (a prefix of named) go; what still needs a look goes back in below. By the
    // primary key alone: with a kind, the planner may walk the kind's rows and test each against the array.
    auto seqs_begin = [&](std::size_t i) { return i ? seqs_end[i - 1] : 0; };  // named[i]'s seqs: [begin, end)
    const std::size_t consumed = source.consumed();
    const Ids taken(seqs.begin(), seqs.begin() + static_cast<std::ptrdiff_t>(seqs_begin(consumed)));
    if (!taken.empty()) by_kind(p, "DELETE FROM " + changes + " WHERE seq = ANY($1::bigint[])", {array_literal(taken)});

    // What the next pass must look at again.
    std::set<long long> again(source.walked().begin(), source.walked().end());
    again.insert(source.changed().begin(), source.changed().end());
    for (long long id : out.deleted) again.erase(id);
    again.insert(keep_for_next.begin(), keep_for_next.end());
    // Untested ids: those the set names keep their rows there, those only the recheck named go in.
    for (std::size_t i = consumed; i < named.size(); ++i) {
        if (seqs_end[i] > seqs_begin(i)) again.erase(named[i]);
        else again.insert(named[i]);
    }
    if (c.waiting) {
        SqlParams sp;
        const std::string taken_p = sp.add(array_literal(source.tested()), "integer[]");
        const std::string from_p = sp.add(std::to_string(from), "bigint");
        const std::string end_p = sp.add(std::to_string(source.walk_end()), "bigint");
        const std::string young = row_test(c.waiting("x", sp));
        for (long long id :
             column_ids(p.ex.query("SELECT x.id FROM " + c.table + " x WHERE x.id = ANY(" + taken_p + ") AND " + young +
                                       " UNION SELECT x.id FROM " + c.table + " x WHERE x.id >= " + from_p +
                                       " AND x.id <= " + end_p + " AND " + young,
                                   sp.values())))
            again.insert(id);
    }
    if (!again.empty())
        p.ex.query("INSERT INTO " + changes + " (kind, id) SELECT $1::\"char\", unnest($2::integer[])",
                   {k, array_literal(Ids(again.begin(), again.end()))});
    p.ex.query("INSERT INTO pactflow.clean_frontier (category, next_id, capture) VALUES ($1, $2::bigint, $3) "
               "ON CONFLICT (category) DO UPDATE SET next_id = EXCLUDED.next_id, capture = EXCLUDED.capture, "
               "updated_at = clock_timestamp()",
               {c.name, std::to_string(source.walk_end() + 1),
                tracking.fingerprint + (tracking.note.empty() ? "" : "\n" + tracking.note)});
    return out;
}

void finish_capture(Pass &p, const Capture &cap) {
    if (!(cap.active || cap.keep_active) || !cap.reset || p.o.dry_run) return;
    p.ex.query("DELETE FROM " + p.t("pactflow_clean_changes") + " WHERE kind = 'R' AND seq <= $1::bigint",
               {std::to_string(cap.reset_seq)});
}

}  // namespace pactflow::clean::detail
