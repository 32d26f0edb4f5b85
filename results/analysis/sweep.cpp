#include "results/analysis/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "results/analysis/sensitivity.hpp"
#include "results/format.hpp"
#include "results/json.hpp"
#include "results/text_table.hpp"

namespace fnesim {

namespace {

std::string fixed(double x, int decimals) {
  if (std::isnan(x)) return "–";
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, x);
  return buffer;
}

std::string significant(double x, int digits = 6) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, x);
  return buffer;
}

std::string full(double x) { return std::isnan(x) ? "" : format_shortest(x); }

std::string xml_escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// The right margin holds about this many characters of the chart's 12 px
// font (DejaVu Sans averages 7 px a character in keys).
constexpr std::size_t legend_characters = 22;

// `key` in lines of at most `width` characters, each cut just after a dot; a
// part longer than a line stays whole on its own.
std::vector<std::string> lines_cut_after_dots(const std::string& key, std::size_t width) {
  std::vector<std::string> lines{""};
  for (std::size_t start = 0; start < key.size();) {
    const std::size_t dot = key.find('.', start);
    const std::size_t end = dot == std::string::npos ? key.size() : dot + 1;
    const std::string part = key.substr(start, end - start);
    if (!lines.back().empty() && lines.back().size() + part.size() > width) lines.emplace_back();
    lines.back() += part;
    start = end;
  }
  return lines;
}

}  // namespace

SweepPoint sweep_point(std::vector<double> values, std::span<const double> outputs,
                       std::span<const double> first_outputs, std::int64_t rows, int regions) {
  SweepPoint point;
  point.values = std::move(values);
  point.statistics = tornado_statistics(outputs, rows, regions);
  point.from_first = tornado_effects(outputs, first_outputs, rows, regions, &point.standard_errors);
  return point;
}

std::string render_sweep(const Sweep& sweep) {
  std::ostringstream out;
  out << "Sweep of " << sweep.scenario_name << " over ";
  for (std::size_t k = 0; k < sweep.keys.size(); ++k) out << (k ? " × " : "") << sweep.keys[k];
  out << ": " << sweep.points.size() << (sweep.points.size() == 1 ? " point × " : " points × ")
      << sweep.replications << " replications, seed " << sweep.seed << ", on common random numbers ("
      << fixed(sweep.seconds, 1) << " s)\n";
  TextTable table;
  for (const std::string& key : sweep.keys) table.add_column(key);
  table.add_column("P(additional needed)");
  table.add_column("change from the first");
  table.add_column("additional at 90 %, M EUR");
  table.add_column("expected unmet, M EUR");
  table.add_column("national demand, M EUR");
  for (const SweepPoint& p : sweep.points) {
    std::vector<std::string> row;
    for (double v : p.values) row.push_back(significant(v));
    const auto with_error = [&](std::size_t s, double scale, int decimals) {
      return fixed(p.statistics[s] / scale, decimals) + " " +
             format_plus_minus(p.standard_errors[s], fixed(p.standard_errors[s] / scale, decimals));
    };
    row.push_back(with_error(0, 1, 3));
    const PairedEffect& change = p.from_first[0];
    std::string change_text = "–";  // the first point is where changes start
    if (&p != &sweep.points.front()) {
      change_text = change.difference >= 0 ? "+" : "";
      change_text += fixed(change.difference, 3) + " " +
                     format_plus_minus(change.standard_error, fixed(change.standard_error, 3));
    }
    row.push_back(change_text);
    for (std::size_t s = 1; s <= 3; ++s) row.push_back(with_error(s, 1e6, 1));
    table.add_row(row);
  }
  out << table.render();
  out << "± one Monte-Carlo standard error of each point. The points share their random numbers: a change "
         "from the first point is paired replication by replication, its ± the standard error of the "
         "change.\n";
  return out.str();
}

std::string sweep_json(const Sweep& sweep) {
  JsonWriter json;
  json.begin_object().field("scenario", sweep.scenario_name).field("seed", sweep.seed);
  json.field("replications", sweep.replications);
  json.key("keys").begin_array();
  for (const std::string& k : sweep.keys) json.value(k);
  json.end_array();
  json.key("points").begin_array();
  for (const SweepPoint& p : sweep.points) {
    json.begin_object().key("values").begin_array();
    for (double v : p.values) json.value(v);
    json.end_array();
    json.key("statistics").begin_object();
    for (std::size_t s = 0; s < sweep.statistic_names.size(); ++s)
      json.key(sweep.statistic_names[s])
          .begin_object()
          .field("value", p.statistics[s])
          .field("standard_error", p.standard_errors[s])
          .field("change_from_first", p.from_first[s].difference)
          .field("change_standard_error", p.from_first[s].standard_error)
          .end_object();
    json.end_object().end_object();
  }
  json.end_array().end_object();
  return json.str() + "\n";
}

std::string sweep_csv(const Sweep& sweep) {
  std::string csv;
  for (const std::string& k : sweep.keys) csv += k + ",";
  csv += "statistic,value,standard_error,change_from_first,change_standard_error\n";
  for (const SweepPoint& p : sweep.points)
    for (std::size_t s = 0; s < sweep.statistic_names.size(); ++s) {
      for (double v : p.values) csv += full(v) + ",";
      csv += sweep.statistic_names[s] + "," + full(p.statistics[s]) + "," + full(p.standard_errors[s]) + "," +
             full(p.from_first[s].difference) + "," + full(p.from_first[s].standard_error) + "\n";
    }
  return csv;
}

std::string sweep_svg(const Sweep& sweep) {
  constexpr double width = 640, height = 400, left = 70, right = 170, top = 40, bottom = 60;
  const double plot_w = width - left - right, plot_h = height - top - bottom;
  double x_min = sweep.points.front().values[0], x_max = x_min;
  for (const SweepPoint& p : sweep.points) {
    x_min = std::min(x_min, p.values[0]);
    x_max = std::max(x_max, p.values[0]);
  }
  if (x_max == x_min) x_max = x_min + 1;
  const auto x_of = [&](double v) { return left + (v - x_min) / (x_max - x_min) * plot_w; };
  const auto y_of = [&](double p) { return top + (1 - std::clamp(p, 0.0, 1.0)) * plot_h; };
  // One line per value of the second key (or one line).
  std::vector<double> series_values;
  for (const SweepPoint& p : sweep.points) {
    const double s = p.values.size() > 1 ? p.values[1] : 0.0;
    if (std::find(series_values.begin(), series_values.end(), s) == series_values.end()) series_values.push_back(s);
  }
  static constexpr const char* colours[] = {"#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6"};
  // The second key names the legend once, above its values, cut after a dot
  // where it would not fit the margin (a full key is wider than it).
  const double legend_top = top + 16;
  const std::vector<std::string> legend_title = sweep.keys.size() > 1
                                                    ? lines_cut_after_dots(sweep.keys[1], legend_characters)
                                                    : std::vector<std::string>{};
  std::ostringstream svg;
  svg << R"(<svg xmlns="http://www.w3.org/2000/svg" width=")" << width << R"(" height=")" << height
      << R"(" font-family="DejaVu Sans, sans-serif" font-size="12">)" << '\n';
  svg << R"(<title>P(additional allocation needed) against )" << xml_escaped(sweep.keys[0]) << "</title>\n";
  svg << R"(<text x=")" << left << R"(" y="22" font-size="14">P(additional allocation needed) — )"
      << xml_escaped(sweep.scenario_name) << "</text>\n";
  for (int tick = 0; tick <= 4; ++tick) {
    const double p = tick / 4.0, y = y_of(p);
    svg << R"(<line x1=")" << left << R"(" x2=")" << left + plot_w << R"(" y1=")" << y << R"(" y2=")" << y
        << R"(" stroke="#ddd"/>)" << R"(<text x=")" << left - 8 << R"(" y=")" << y + 4
        << R"(" text-anchor="end">)" << fixed(p, 2) << "</text>\n";
  }
  for (int tick = 0; tick <= 4; ++tick) {
    const double v = x_min + (x_max - x_min) * tick / 4.0, x = x_of(v);
    svg << R"(<text x=")" << x << R"(" y=")" << top + plot_h + 18 << R"(" text-anchor="middle">)" << significant(v, 6)
        << "</text>\n";
  }
  svg << R"(<text x=")" << left + plot_w / 2 << R"(" y=")" << height - 18 << R"(" text-anchor="middle">)"
      << xml_escaped(sweep.keys[0]) << "</text>\n";
  svg << R"(<rect x=")" << left << R"(" y=")" << top << R"(" width=")" << plot_w << R"(" height=")" << plot_h
      << R"(" fill="none" stroke="#555"/>)" << '\n';
  for (std::size_t line = 0; line < legend_title.size(); ++line)
    svg << R"(<text x=")" << left + plot_w + 10 << R"(" y=")" << legend_top + 18 * static_cast<double>(line)
        << R"(" fill="#333">)" << xml_escaped(legend_title[line]) << "</text>\n";
  for (std::size_t s = 0; s < series_values.size(); ++s) {
    const char* colour = colours[s % std::size(colours)];
    std::vector<std::string> line, band_up, band_down;
    // Drawn from left to right whatever the order the values were given in
    // (the table keeps that order): a line, not a zigzag.
    std::vector<const SweepPoint*> in_series;
    for (const SweepPoint& p : sweep.points)
      if ((p.values.size() > 1 ? p.values[1] : 0.0) == series_values[s]) in_series.push_back(&p);
    std::stable_sort(in_series.begin(), in_series.end(),
                     [](const SweepPoint* a, const SweepPoint* b) { return a->values[0] < b->values[0]; });
    for (const SweepPoint* point : in_series) {
      const SweepPoint& p = *point;
      const std::string x = fixed(x_of(p.values[0]), 1);
      line.push_back(x + "," + fixed(y_of(p.statistics[0]), 1));
      if (std::isnan(p.standard_errors[0])) continue;  // no standard error (years on one draw): no band
      band_up.push_back(x + "," + fixed(y_of(p.statistics[0] + 2 * p.standard_errors[0]), 1));
      band_down.push_back(x + "," + fixed(y_of(p.statistics[0] - 2 * p.standard_errors[0]), 1));
    }
    std::reverse(band_down.begin(), band_down.end());
    const auto joined = [](const std::vector<std::string>& points) {
      std::string out;
      for (const std::string& point : points) out.append(point).append(" ");
      return out;
    };
    svg << R"(<polygon points=")" << joined(band_up) << joined(band_down) << R"(" fill=")" << colour << R"(" fill-opacity="0.15"/>)"
        << '\n';
    svg << R"(<polyline points=")" << joined(line) << R"(" fill="none" stroke=")" << colour << R"(" stroke-width="2"/>)"
        << '\n';
    for (const std::string& point : line) {  // the simulated points themselves
      const std::size_t comma = point.find(',');
      svg << R"(<circle cx=")" << point.substr(0, comma) << R"(" cy=")" << point.substr(comma + 1) << R"(" r="3" fill=")"
          << colour << R"("/>)" << '\n';
    }
    if (sweep.keys.size() > 1)
      svg << R"(<text x=")" << left + plot_w + 10 << R"(" y=")"
          << legend_top + 18 * static_cast<double>(legend_title.size() + s) << R"(" fill=")" << colour
          << R"(">= )" << significant(series_values[s], 4) << "</text>\n";
  }
  svg << R"(<text x=")" << left + plot_w + 10 << R"(" y=")" << top + plot_h
      << R"(" fill="#555" font-size="10">band: ±2 standard errors</text>)" << '\n';
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace fnesim
