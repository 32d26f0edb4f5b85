#include "results/text_table.hpp"

#include <algorithm>

namespace fnesim {
namespace {

// Display width in code points: scenario names carry accents ("Île-de-France").
std::size_t display_width(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

void TextTable::add_column(std::string header, Align align) {
  headers_.push_back(std::move(header));
  aligns_.push_back(align);
}

void TextTable::add_row(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

void TextTable::add_rule() { rows_.emplace_back(); }

std::string TextTable::render() const {
  std::vector<std::size_t> widths(headers_.size());
  for (std::size_t c = 0; c < headers_.size(); ++c) {
    widths[c] = display_width(headers_[c]);
    for (const auto& row : rows_)
      if (!row.empty()) widths[c] = std::max(widths[c], display_width(row[c]));
  }
  std::size_t total = 0;
  for (auto w : widths) total += w + 2;
  const std::string rule(total > 2 ? total - 2 : 0, '-');
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(widths[c] - display_width(cells[c]), ' ');
      out += aligns_[c] == Align::Left ? cells[c] + pad : pad + cells[c];
      if (c + 1 < cells.size()) out += "  ";
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + '\n';
  };
  std::string out = line(headers_) + rule + '\n';
  for (const auto& row : rows_) out += row.empty() ? rule + '\n' : line(row);
  return out;
}

}  // namespace fnesim
