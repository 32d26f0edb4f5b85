#pragma once
// Where the committee report's script is and what runs it (`fnesim report`,
// and the workbench's charts: the same code draws both).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fnesim::cli {

// Installed beside the binary (`cmake --install`: bin/fnesim, share/fnesim/report.py),
// else in the source tree the binary was built from; `looked_at` lists where it looked.
std::optional<std::filesystem::path> find_report_script(std::vector<std::filesystem::path>& looked_at);
// FNESIM_PYTHON, else Debian's /usr/bin/python3.
std::string report_interpreter();

}  // namespace fnesim::cli
