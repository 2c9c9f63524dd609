// Small helpers for tests: temp files, running command-line tools, byte searches.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "openset/base/bytes.hpp"

namespace openset::test {

// A directory private to this process (created on first use, removed at exit).
const std::filesystem::path& temp_dir();

void write_file(const std::filesystem::path& p, ByteView data);
Bytes read_file(const std::filesystem::path& p);

// True when `program` is found on PATH.
bool have_program(std::string_view program);
// Runs a shell command (stdout and stderr appended to `log` when given); returns its exit status
// (or -1 when it could not run / was killed).
int run(const std::string& command, std::string* log = nullptr);
// Single-quotes a path or argument for the shell.
std::string shell_quote(std::string_view s);

// True when `needle` occurs in `haystack`.
bool contains(ByteView haystack, ByteView needle);
// Packed BCD of a digit string (two digits per octet; an odd length is padded with 0xF).
Bytes bcd(std::string_view digits);

}  // namespace openset::test
