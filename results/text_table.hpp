#pragma once
// Plain-text tables for the terminal: aligned columns, a header rule.
#include <string>
#include <vector>

namespace fnesim {

class TextTable {
 public:
  enum class Align { Left, Right };
  void add_column(std::string header, Align align = Align::Right);
  void add_row(std::vector<std::string> cells);
  void add_rule();  // a separator line before the next row
  std::string render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<Align> aligns_;
  std::vector<std::vector<std::string>> rows_;  // an empty row is a rule
};

}  // namespace fnesim
