#include "openset/store/pg_sql.hpp"

#include <cctype>
#include <cstddef>
#include <vector>

namespace openset::store::detail {
namespace {

enum class Tok { kWord, kParam, kSpace, kQuoted, kSemicolon, kOther };
struct Token {
  Tok kind;
  std::string text;
};

bool word_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$'; }

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const char c = s[i];
    std::size_t j = i + 1;
    Tok kind = Tok::kOther;
    if (c == '$' && i + 1 < n && s[i + 1] == '$') {
      // A dollar-quoted body (PostgreSQL-only DDL passes through untouched).
      std::size_t close = s.find("$$", i + 2);
      j = close == std::string_view::npos ? n : close + 2;
      kind = Tok::kQuoted;
    } else if (c == '\'' || c == '"' || c == '`') {
      // A literal or a quoted identifier; a doubled quote stays inside.
      while (j < n) {
        if (s[j] == c) {
          if (j + 1 < n && s[j + 1] == c) {
            j += 2;
            continue;
          }
          ++j;
          break;
        }
        ++j;
      }
      kind = Tok::kQuoted;
    } else if (c == '-' && i + 1 < n && s[i + 1] == '-') {
      while (j < n && s[j] != '\n') ++j;
      kind = Tok::kSpace;
    } else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
      j = i + 2;
      while (j + 1 < n && !(s[j] == '*' && s[j + 1] == '/')) ++j;
      j = j + 1 < n ? j + 2 : n;
      kind = Tok::kSpace;
    } else if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      while (j < n && std::isspace(static_cast<unsigned char>(s[j])) != 0) ++j;
      kind = Tok::kSpace;
    } else if (word_start(c)) {
      while (j < n && word_char(s[j])) ++j;
      kind = Tok::kWord;
    } else if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      while (j < n && (std::isalnum(static_cast<unsigned char>(s[j])) != 0 || s[j] == '.')) ++j;
    } else if (c == '?') {
      while (j < n && std::isdigit(static_cast<unsigned char>(s[j])) != 0) ++j;
      kind = Tok::kParam;
    } else if (c == ';') {
      kind = Tok::kSemicolon;
    }
    out.push_back(Token{kind, std::string(s.substr(i, j - i))});
    i = j;
  }
  return out;
}

bool is_word(const Token& t, std::string_view w) {
  if (t.kind != Tok::kWord || t.text.size() != w.size()) return false;
  for (std::size_t i = 0; i < w.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(t.text[i])) != w[i]) return false;
  return true;
}

// The index of the next non-space token at or after i (or the end).
std::size_t next_solid(const std::vector<Token>& t, std::size_t i, std::size_t end) {
  while (i < end && t[i].kind == Tok::kSpace) ++i;
  return i;
}

void translate_statement(const std::vector<Token>& t, std::size_t begin, std::size_t end, PgSql& out) {
  std::size_t first = next_solid(t, begin, end);
  if (first < end && is_word(t[first], "PRAGMA")) return;
  // The last non-space token of the statement: ON CONFLICT DO NOTHING goes after it.
  std::size_t last = end;
  while (last > begin && t[last - 1].kind == Tok::kSpace) --last;
  bool ignore = false;
  bool conflict_written = false;
  // CREATE TABLE: a hidden `rowid BIGSERIAL` column before the closing parenthesis, so that
  // the engines' ORDER BY ..., rowid (insertion order as a tie-break) means the same.
  std::size_t rowid_at = end;
  if (first < end && is_word(t[first], "CREATE")) {
    std::size_t second = next_solid(t, first + 1, end);
    if (second < end && is_word(t[second], "TABLE"))
      for (std::size_t i = last; i > first; --i)
        if (t[i - 1].text == ")") {
          rowid_at = i - 1;
          break;
        }
  }
  std::string s;
  for (std::size_t i = begin; i < end; ++i) {
    const Token& k = t[i];
    if (i == rowid_at) s += ", rowid BIGSERIAL";
    if (k.kind == Tok::kParam) {
      int number = 0;
      if (k.text.size() > 1) {
        for (std::size_t d = 1; d < k.text.size() && number < 100000; ++d) number = number * 10 + (k.text[d] - '0');
      } else {
        number = out.parameters + 1;
      }
      if (number > out.parameters) out.parameters = number;
      s += "$" + std::to_string(number);
      continue;
    }
    if (k.kind == Tok::kWord) {
      if (is_word(k, "INTEGER")) {
        std::size_t a = next_solid(t, i + 1, end);
        std::size_t b = a < end ? next_solid(t, a + 1, end) : end;
        std::size_t c = b < end ? next_solid(t, b + 1, end) : end;
        // INTEGER PRIMARY KEY [AUTOINCREMENT]: SQLite assigns the key when none is given.
        if (b < end && is_word(t[a], "PRIMARY") && is_word(t[b], "KEY")) {
          s += "BIGSERIAL PRIMARY KEY";
          i = (c < end && is_word(t[c], "AUTOINCREMENT")) ? c : b;
          continue;
        }
        s += "BIGINT";
        continue;
      }
      // A blob literal x'0A1B' (PostgreSQL would read a bit string).
      if ((k.text == "x" || k.text == "X") && i + 1 < end && t[i + 1].kind == Tok::kQuoted &&
          t[i + 1].text.front() == '\'') {
        const std::string& q = t[i + 1].text;
        s += "'\\x" + q.substr(1, q.size() - 2) + "'::bytea";
        ++i;
        continue;
      }
      if (is_word(k, "BLOB")) {
        s += "BYTEA";
        continue;
      }
      if (is_word(k, "INSERT")) {
        std::size_t a = next_solid(t, i + 1, end);
        std::size_t b = a < end ? next_solid(t, a + 1, end) : end;
        if (b < end && is_word(t[a], "OR") && is_word(t[b], "IGNORE")) {
          s += "INSERT";
          ignore = true;
          i = b;
          continue;
        }
      }
      if (ignore && !conflict_written && is_word(k, "RETURNING")) {
        s += "ON CONFLICT DO NOTHING ";
        conflict_written = true;
      }
    }
    s += k.text;
    if (ignore && !conflict_written && i + 1 == last) {
      s += " ON CONFLICT DO NOTHING";
      conflict_written = true;
    }
  }
  out.text += s;
}

}  // namespace

PgSql translate_for_postgres(std::string_view sqlite_sql) {
  std::vector<Token> t = tokenize(sqlite_sql);
  PgSql out;
  std::size_t begin = 0;
  for (std::size_t i = 0; i <= t.size(); ++i) {
    if (i == t.size() || t[i].kind == Tok::kSemicolon) {
      std::size_t before = out.text.size();
      translate_statement(t, begin, i, out);
      bool wrote = out.text.size() != before;
      if (i < t.size() && wrote) out.text += ";";
      begin = i + 1;
    }
  }
  return out;
}

}  // namespace openset::store::detail
