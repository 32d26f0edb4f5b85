#pragma once
// Parsing TOML text that comes from outside (a scenario, an upload, a run
// file's copy of its scenario) without letting it exhaust the stack.
#include <toml++/toml.h>

#include <string_view>

namespace fnesim {

// toml++ reads a dotted key (`a.b.c = 1`, `[a.b.c]`) by recursion, a frame a
// part, with no limit of its own (its limit of 256 covers nested arrays and
// inline tables only): a key of some tens of thousands of parts, a line of
// 60 kB, overflows the stack and kills the process. No scenario key has more
// than a handful of parts.
inline constexpr int max_toml_key_parts = 64;

// toml::parse, but a key of more than max_toml_key_parts parts is refused
// first, as a toml::parse_error at the key's first character.
toml::table parse_toml(std::string_view text, std::string_view source);

}  // namespace fnesim
