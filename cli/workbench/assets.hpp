#pragma once
// The workbench's page, compiled into the binary from cli/workbench/ (index.html,
// app.js, style.css): `fnesim serve` reads nothing from disk to serve it.
#include <string_view>
#include <vector>

namespace fnesim::workbench {

struct Asset {
  std::string_view url;  // "/", "/app.js", "/style.css"
  std::string_view content_type;
  std::string_view body;
};
const std::vector<Asset>& page_assets();

}  // namespace fnesim::workbench
