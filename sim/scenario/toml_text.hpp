#pragma once
// Parsing TOML text that comes from outside (a scenario, an upload, a run
// file's copy of its scenario) without letting it exhaust the stack.
#include <toml++/toml.h>

#include <string_view>

namespace fnesim {

// A dotted key of N parts (`a.b.c = 1`, `[a.b.c]`) makes N nested tables,
// and toml++ walks a table by recursion — it frees one in its destructor,
// a frame a level — with no limit on the levels dotted keys add (its limit
// of 256 counts nested arrays and inline tables only): a key of some tens of
// thousands of parts, a line of 60 kB, overflows the stack and kills the
// process. Bounding the parts of a header and those on each path into a
// key's value keeps a tree at most 2 × 64 + 256 levels deep. No scenario
// key has more than a handful of parts.
inline constexpr int max_toml_key_parts = 64;

// toml::parse, but a table header, or the keys on a path into a value, of
// more than max_toml_key_parts parts is refused first, as a
// toml::parse_error where the header or the statement starts.
toml::table parse_toml(std::string_view text, std::string_view source);

}  // namespace fnesim
