#pragma once
// The categories the convention's rules distinguish (art. 3 and art. 6), with
// the spellings used in scenario files and on the command line.
#include <array>
#include <optional>
#include <string_view>

namespace fnesim {

// Company size classes (domain.md): "de 300 à 1 000" includes both bounds.
// The first two share the "fewer than 300" rates; only the first opens PDC-50.
enum class SizeClass { Under50, From50To299, From300To1000, Over1000 };
inline constexpr int size_class_count = 4;
inline constexpr std::array<std::string_view, size_class_count> size_class_keys = {"lt50", "50-299",
                                                                                   "300-1000", "gt1000"};
// Inclusive headcount bounds of each class; the last is open-ended.
inline constexpr std::array<long, size_class_count> size_class_min_headcount = {1, 50, 300, 1001};
inline constexpr std::array<long, size_class_count> size_class_max_headcount = {49, 299, 1000, 1'000'000'000};
SizeClass size_class_of_headcount(long headcount);

// Partial-activity status (art. 6 table columns), plus the two categories the
// instruction of 7 September 2021 made eligible from 2021-07-01 (domain.md).
enum class Status { AP, APLD, Difficulty, Transformation, Resumption };
inline constexpr int status_count = 5;
inline constexpr std::array<std::string_view, status_count> status_keys = {"AP", "APLD", "difficulty",
                                                                           "transformation", "resumption"};

// Training pathways (art. 3).
enum class Pathway { Reconversion, Certifying, CovidSpecific, Anticipation };
inline constexpr int pathway_count = 4;
inline constexpr std::array<std::string_view, pathway_count> pathway_keys = {
    "reconversion", "certifying", "covid_specific", "anticipation"};

// Joint cell of the attribute mix: size × status × pathway.
inline constexpr int mix_cell_count = size_class_count * status_count * pathway_count;
constexpr int mix_cell(SizeClass s, Status st, Pathway p) {
  return (static_cast<int>(s) * status_count + static_cast<int>(st)) * pathway_count + static_cast<int>(p);
}

template <typename Enum, std::size_t N>
std::optional<Enum> parse_category(std::string_view key, const std::array<std::string_view, N>& keys) {
  for (std::size_t i = 0; i < N; ++i)
    if (keys[i] == key) return static_cast<Enum>(i);
  return std::nullopt;
}

inline std::string_view key_of(SizeClass v) { return size_class_keys[static_cast<int>(v)]; }
inline std::string_view key_of(Status v) { return status_keys[static_cast<int>(v)]; }
inline std::string_view key_of(Pathway v) { return pathway_keys[static_cast<int>(v)]; }

}  // namespace fnesim
