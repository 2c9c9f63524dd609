// Files the `openset` commands read and write: key and certificate PEMs, PAN and passphrase
// files, saved messages. One place for the rules: secrets are created owner-only at creation
// (never chmod'ed afterwards) and never overwritten; errors name the file and say what failed.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "openset/base/bytes.hpp"
#include "openset/base/result.hpp"

namespace openset::app::files {

// The whole file (kIo "cannot read PATH" if it cannot be opened).
Result<std::string> read_text(const std::string& path);
Result<Bytes> read_bytes(const std::string& path);
// Without leading blanks and trailing blanks and line ends.
std::string trim(std::string s);
// Creates `path` with `mode` set at creation (O_EXCL: an existing file is an error, never
// overwritten). For keys (0600) and the certificates next to them.
Status create(const std::string& path, std::string_view data, mode_t mode);
// Writes `path` (created or truncated, default mode): saved messages and reports.
Status write(const std::string& path, ByteView data);
// The passphrase from `passphrase_file` (its first line, line end removed) or, when no file is
// given, from the OPENSET_PASSPHRASE environment variable. Never echoed; empty is an error.
Result<std::string> passphrase(const std::string& passphrase_file);

}  // namespace openset::app::files
