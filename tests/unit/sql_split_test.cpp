// The one SQL lexer and the statement splitter built on it, table-driven: every quoting PostgreSQL has,
// nested comments, psql's BEGIN ATOMIC heuristic, COPY ... FROM STDIN data blocks and psql meta-commands.
#include "pactflow/error.hpp"
#include "pactflow/flyway.hpp"
#include "pactflow/sql_lexer.hpp"
#include "pactflow/sql_split.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

using pactflow::split_sql;
using pactflow::sql::Lexer;
using pactflow::sql::parse_script;
using pactflow::sql::Statement;
using pactflow::sql::Token;
using pactflow::sql::TokenKind;

namespace {
const char *kind_name(TokenKind k) {
    switch (k) {
        case TokenKind::whitespace: return "space";
        case TokenKind::line_comment: return "line_comment";
        case TokenKind::block_comment: return "block_comment";
        case TokenKind::word: return "word";
        case TokenKind::quoted_identifier: return "identifier";
        case TokenKind::string: return "string";
        case TokenKind::dollar_string: return "dollar";
        case TokenKind::parameter: return "parameter";
        case TokenKind::number: return "number";
        case TokenKind::punctuation: return "punct";
        case TokenKind::semicolon: return "semicolon";
        case TokenKind::meta_command: return "meta";
    }
    return "?";
}

// "kind:text" of every token that is not whitespace; "!" marks an unterminated one.
std::vector<std::string> tokens(const std::string &sql) {
    std::vector<std::string> out;
    Lexer lx(sql);
    Token t;
    while (lx.next(t)) {
        if (t.kind == TokenKind::whitespace) continue;
        out.push_back(std::string(kind_name(t.kind)) + (t.unterminated ? "!" : "") + ":" +
                      sql.substr(t.begin, t.end - t.begin));
    }
    return out;
}

std::vector<std::string> texts(const std::string &script) {
    std::vector<std::string> out;
    for (const auto &st : parse_script(script)) out.push_back(st.text);
    return out;
}
}  // namespace

struct LexCase {
    const char *name;
    std::string sql;
    std::vector<std::string> tokens;
};

TEST(SqlLexer, TokensOfEveryQuotingPostgresqlHas) {
    const std::vector<LexCase> cases = {
        {"standard string with doubled quote", "'it''s;'", {"string:'it''s;'"}},
        {"standard string: a backslash is an ordinary character", "'a\\' x", {"string:'a\\'", "word:x"}},
        {"E string with backslash escapes", "E'it\\'s; \\\\' x", {"string:E'it\\'s; \\\\'", "word:x"}},
        {"lower-case e string", "e'\\''", {"string:e'\\''"}},
        {"e after an identifier is not a prefix", "thee'x'", {"word:thee", "string:'x'"}},
        {"bit, hex and national strings", "B'01' X'ff' N'n'", {"string:B'01'", "string:X'ff'", "string:N'n'"}},
        {"unicode string and identifier",
         "U&'d\\0061t' U&\"d\"\"a\"",
         {"string:U&'d\\0061t'", "identifier:U&\"d\"\"a\""}},
        {"quoted identifier with doubled quote", "\"a\"\"b;\"", {"identifier:\"a\"\"b;\""}},
        {"dollar quote without tag", "$$ a ' ; $$", {"dollar:$$ a ' ; $$"}},
        {"dollar quote with tag and inner dollars", "$fn$ $$ ; $x$ $fn$", {"dollar:$fn$ $$ ; $x$ $fn$"}},
        {"tag mismatch before the real close", "$a$ $ba$a$", {"dollar:$a$ $ba$a$"}},
        {"parameter is not a dollar quote", "$1 $2", {"parameter:$1", "parameter:$2"}},
        {"dollar inside an identifier", "a$b$ c", {"word:a$b$", "word:c"}},
        {"line comment", "-- it's ; /*\nx", {"line_comment:-- it's ; /*", "word:x"}},
        {"nested block comment", "/* a /* b; */ c' */ d", {"block_comment:/* a /* b; */ c' */", "word:d"}},
        {"operator followed by a comment", "a */* c */ b", {"word:a", "punct:*", "block_comment:/* c */", "word:b"}},
        {"typecast and numbers", "1.5::numeric", {"number:1.5", "punct::", "punct::", "word:numeric"}},
        {"psql meta-command up to the end of the line",
         "SELECT 1 \\gset x\ny",
         {"word:SELECT", "number:1", "meta:\\gset x", "word:y"}},
        {"unterminated string", "'abc", {"string!:'abc"}},
        {"unterminated E string ending in a backslash", "E'abc\\", {"string!:E'abc\\"}},
        {"unterminated nested comment", "/* /* */", {"block_comment!:/* /* */"}},
        {"unterminated dollar quote", "$q$ abc", {"dollar!:$q$ abc"}},
        {"multi-byte identifier", "caf\xc3\xa9 x", {"word:caf\xc3\xa9", "word:x"}},
    };
    for (const auto &c : cases) EXPECT_EQ(tokens(c.sql), c.tokens) << c.name;
}

struct SplitCase {
    const char *name;
    std::string script;
    std::vector<std::string> statements;
};

TEST(SqlSplit, StatementsAsPsqlSendsThem) {
    const std::vector<SplitCase> cases = {
        {"semicolons inside quotes and comments",
         "-- header; not a statement\nCREATE INDEX CONCURRENTLY a ON t (x);\n"
         "INSERT INTO t VALUES ('a;b', \"c;d\"); /* ; */ SELECT $$;$$, $f$ ; $f$;\n-- trailing",
         {"-- header; not a statement\nCREATE INDEX CONCURRENTLY a ON t (x)", "INSERT INTO t VALUES ('a;b', \"c;d\")",
          "/* ; */ SELECT $$;$$, $f$ ; $f$"}},
        {"E'' with an escaped quote does not swallow what follows",
         "UPDATE t SET a = E'it\\'s'; CREATE INDEX CONCURRENTLY i ON t(a); SELECT 'x';",
         {"UPDATE t SET a = E'it\\'s'", "CREATE INDEX CONCURRENTLY i ON t(a)", "SELECT 'x'"}},
        {"plpgsql body in dollar quotes",
         "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END $body$;\nSELECT 1",
         {"CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END $body$", "SELECT 1"}},
        {"doubled quotes and nested comments",
         "SELECT 'it''s; fine'; /* a /* nested; */ still comment; */ SELECT 2;",
         {"SELECT 'it''s; fine'", "/* a /* nested; */ still comment; */ SELECT 2"}},
        {"SQL-standard body: BEGIN ATOMIC ... END with CASE inside",
         "CREATE TABLE t (x int);\nCREATE FUNCTION f(a int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n"
         "  SELECT CASE WHEN a > 0 THEN 1 ELSE 0 END;\n  SELECT a;\nEND;\nCREATE INDEX CONCURRENTLY i ON t (x);",
         {"CREATE TABLE t (x int)",
          "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n"
          "  SELECT CASE WHEN a > 0 THEN 1 ELSE 0 END;\n  SELECT a;\nEND",
          "CREATE INDEX CONCURRENTLY i ON t (x)"}},
        {"CREATE OR REPLACE PROCEDURE with BEGIN ATOMIC",
         "create or replace procedure p() begin atomic insert into t values (1); end; select 1;",
         {"create or replace procedure p() begin atomic insert into t values (1); end", "select 1"}},
        {"BEGIN outside a routine is a statement of its own", "BEGIN; SELECT 1; END;", {"BEGIN", "SELECT 1", "END"}},
        {"semicolon inside parentheses (a rule's action list)",
         "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)); SELECT 1;",
         {"CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))", "SELECT 1"}},
        {"only comments", "-- a comment\n/* another */\n-- last", {}},
        {"only a nested comment", "/* /* */ */", {}},
        {"empty statements", ";;\n ; ", {}},
        {"no final semicolon", "SELECT 1;\nSELECT 2\n", {"SELECT 1", "SELECT 2"}},
        {"an unterminated string is sent as it is", "SELECT 1; SELECT 'oops;", {"SELECT 1", "SELECT 'oops;"}},
        {"an unterminated comment is sent too (the server reports it)", "SELECT 1; /* open", {"SELECT 1", "/* open"}},
    };
    for (const auto &c : cases) EXPECT_EQ(texts(c.script), c.statements) << c.name;
    for (const auto &c : cases) EXPECT_EQ(split_sql(c.script), c.statements) << c.name;
}

TEST(SqlSplit, CopyFromStdinTakesTheFollowingLinesAsData) {
    auto s = parse_script("CREATE TABLE t (a int, b text);\n"
                          "COPY t (a, b) FROM stdin;\n1\tone; not a statement\n2\t'two'\n\\.\n"
                          "copy t from STDIN with (format csv); -- a comment is fine here\n3,\"x\"\n\\.\r\n"
                          "SELECT count(*) FROM t;\n"
                          "COPY (SELECT 1 FROM stdin_like) TO STDOUT;\n"
                          "COPY t FROM STDIN;\n4\tlast, no terminator\n");
    ASSERT_EQ(s.size(), 6u);
    EXPECT_EQ(s[0].kind, Statement::Kind::plain);
    EXPECT_EQ(s[1].kind, Statement::Kind::copy_from_stdin);
    EXPECT_EQ(s[1].text, "COPY t (a, b) FROM stdin");
    EXPECT_EQ(s[1].copy_data, "1\tone; not a statement\n2\t'two'\n");
    EXPECT_EQ(s[1].line, 2u);
    EXPECT_EQ(s[2].kind, Statement::Kind::copy_from_stdin);
    EXPECT_EQ(s[2].copy_data, "3,\"x\"\n");
    EXPECT_EQ(s[3].text, "SELECT count(*) FROM t");
    EXPECT_EQ(s[3].line, 9u);
    EXPECT_EQ(s[4].kind, Statement::Kind::copy_to_stdout);
    EXPECT_EQ(s[5].kind, Statement::Kind::copy_from_stdin);
    EXPECT_EQ(s[5].copy_data, "4\tlast, no terminator\n");
    // The catalog has no use for data blocks: split_sql refuses them.
    EXPECT_THROW(split_sql("COPY t FROM STDIN;\n1\n\\.\n"), pactflow::Error);
}

TEST(SqlSplit, StatementLinesAreCounted) {
    auto s = parse_script("SELECT 1;\n\n/* two\nlines */ SELECT\n2;\nSELECT 3");
    ASSERT_EQ(s.size(), 3u);
    EXPECT_EQ(s[0].line, 1u);
    EXPECT_EQ(s[1].line, 3u);
    EXPECT_EQ(s[2].line, 6u);
}

struct RefusedCase {
    const char *name;
    std::string script;
    std::string message;
};

TEST(SqlSplit, PsqlMetaCommandsAndTextAfterCopyAreReportedAsUnsupported) {
    const std::vector<RefusedCase> cases = {
        {"\\set at the start of a line", "SELECT 1;\n\\set ON_ERROR_STOP on\nSELECT 2;",
         "psql meta-command \\set at line 2 is not supported"},
        {"\\gset after a query", "SELECT 1 AS x \\gset", "psql meta-command \\gset at line 1 is not supported"},
        {"\\copy", "\n\n\\copy t from 'f.csv'", "psql meta-command \\copy at line 3 is not supported"},
        {"backslash-semicolon", "SELECT 1 \\; SELECT 2;", "psql meta-command \\; at line 1 is not supported"},
        {"SQL after the COPY's semicolon", "COPY t FROM STDIN; SELECT 1;\n1\n\\.\n",
         "text after the ';' of the COPY ... FROM STDIN at line 1 is not supported"},
    };
    for (const auto &c : cases) {
        try {
            parse_script(c.script);
            ADD_FAILURE() << c.name << ": no error";
        } catch (const pactflow::Error &e) {
            EXPECT_EQ(e.sqlstate(), "0A000") << c.name;
            EXPECT_EQ(std::string(e.what()), c.message) << c.name;
        }
    }
    // Backslashes inside strings, identifiers and comments are not commands.
    EXPECT_EQ(texts("SELECT E'\\n', '\\', \"\\\", $$\\x$$ /* \\y */; -- \\z"),
              (std::vector<std::string>{"SELECT E'\\n', '\\', \"\\\", $$\\x$$ /* \\y */"}));
}

// The Flyway runner's view of the issue's script: three statements, the second one cannot run in a
// transaction, so the script runs outside BEGIN.
TEST(SqlSplit, EStringThenConcurrentIndexIsThreeStatementsAndNonTransactional) {
    auto s = pactflow::flyway::script_statements(
        "UPDATE t SET a = E'it\\'s'; CREATE INDEX CONCURRENTLY i ON t(a); SELECT 'x';");
    ASSERT_EQ(s.statements.size(), 3u);
    EXPECT_EQ(s.statements[1].text, "CREATE INDEX CONCURRENTLY i ON t(a)");
    EXPECT_EQ(s.non_transactional, "CREATE INDEX CONCURRENTLY");
}
