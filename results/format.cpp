#include "results/format.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <utility>
#include <vector>

namespace fnesim {

std::string format_meur(double eur) {
  char text[48];
  std::snprintf(text, sizeof text, "%.2f M€", eur / 1e6);
  return text;
}

std::string format_meur(Cents amount) { return format_meur(static_cast<double>(amount) / cents_per_euro); }

std::string format_meur_signed(Cents amount) {
  // Under half a hundredth of a million either way rounds to zero, said without a sign (not "-0.00").
  if (std::llabs(amount) < 500'000) return "0.00 M€";
  char text[48];
  std::snprintf(text, sizeof text, "%+.2f M€", static_cast<double>(amount) / cents_per_euro / 1e6);
  return text;
}

std::string format_meur_range(Cents low, Cents high) {
  char text[96];
  std::snprintf(text, sizeof text, "%.2f – %.2f", static_cast<double>(low) / cents_per_euro / 1e6,
                static_cast<double>(high) / cents_per_euro / 1e6);
  return text;
}

std::string format_meur_figure(double eur) {
  char text[48];
  std::snprintf(text, sizeof text, "%.2f", eur / 1e6);
  return text;
}

std::string format_probability(double p) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", p);
  return text;
}

std::string format_plus_minus(double standard_error, const std::string& formatted) {
  return std::isnan(standard_error) ? std::string("±n/a") : "±" + formatted;
}

std::string format_probability(double p, double standard_error) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", standard_error);
  return format_probability(p) + " " + format_plus_minus(standard_error, text);
}

std::string format_day(Date start, const std::optional<std::int32_t>& day) {
  return day ? start.plus_days(*day).iso() : std::string("not exhausted");
}

std::string format_count(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  std::string text(buffer);
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) text.erase(0, 1);
  const auto dot = text.find('.');
  const std::string whole = text.substr(0, dot);
  const std::string fraction = dot == std::string::npos ? std::string() : text.substr(dot);
  std::string grouped;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ' ';
    grouped += whole[i];
  }
  return (negative ? "-" : "") + grouped + fraction;
}

std::string format_shortest(double x) {
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, x);
  return error == std::errc() ? std::string(buffer, end) : std::string("nan");
}

std::string describe_distribution(const Distribution& d) {
  std::string text(distribution_keys[static_cast<std::size_t>(d.kind)]);
  auto arguments = [&](std::initializer_list<std::pair<const char*, double>> named) {
    text += '(';
    const char* separator = "";
    for (const auto& [name, value] : named) {
      text += separator;
      text += name;
      text += '=';
      text += format_shortest(value);
      separator = ", ";
    }
    text += ')';
  };
  auto list = [](const std::vector<double>& values) {
    std::string out = "[";
    for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + format_shortest(values[i]);
    return out + "]";
  };
  switch (d.kind) {
    case DistributionKind::Normal:
      arguments({{"mean", d.a}, {"sd", d.b}});
      break;
    case DistributionKind::LogNormal:
    case DistributionKind::Gamma:
      arguments({{"mean", d.a}, {"cv", d.b}});
      break;
    case DistributionKind::Beta:
      arguments({{"alpha", d.a}, {"beta", d.b}});
      break;
    case DistributionKind::Uniform:
      arguments({{"min", d.a}, {"max", d.b}});
      break;
    case DistributionKind::Triangular:
    case DistributionKind::Pert:
      arguments({{"min", d.a}, {"mode", d.b}, {"max", d.c}});
      break;
    case DistributionKind::Discrete:
      text += "(values=" + list(d.values) + ", weights=" + list(d.weights) + ")";
      break;
  }
  return text;
}

}  // namespace fnesim
