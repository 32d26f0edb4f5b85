#include "models/calendar.hpp"

#include <charconv>
#include <cstdio>

namespace fnesim {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
std::int32_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

struct Civil {
  int year;
  unsigned month;
  unsigned day;
};

Civil civil_from_days(std::int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(yoe) + era * 400 + (m <= 2), m, d};
}

}  // namespace

bool is_valid_ymd(int year, int month, int day) {
  return month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

int days_in_month(int year, int month) {
  static constexpr int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : lengths[month - 1];
}

Date Date::from_ymd(int year, int month, int day) {
  return Date(days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)));
}

std::optional<Date> Date::parse(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  auto field = [&](std::size_t at, std::size_t len, int& out) {
    auto [ptr, ec] = std::from_chars(text.data() + at, text.data() + at + len, out);
    return ec == std::errc{} && ptr == text.data() + at + len;
  };
  if (!field(0, 4, y) || !field(5, 2, m) || !field(8, 2, d) || !is_valid_ymd(y, m, d)) return std::nullopt;
  return from_ymd(y, m, d);
}

int Date::year() const { return civil_from_days(days_since_epoch_).year; }
int Date::month() const { return static_cast<int>(civil_from_days(days_since_epoch_).month); }
int Date::day() const { return static_cast<int>(civil_from_days(days_since_epoch_).day); }

std::string Date::iso() const {
  const Civil c = civil_from_days(days_since_epoch_);
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", c.year, c.month, c.day);
  return buffer;
}

std::string Date::year_month() const { return iso().substr(0, 7); }

int month_index(Date first, Date date) {
  return (date.year() - first.year()) * 12 + (date.month() - first.month());
}

Date first_of_month(Date date) { return Date::from_ymd(date.year(), date.month(), 1); }

Date last_of_month(Date date) {
  return Date::from_ymd(date.year(), date.month(), days_in_month(date.year(), date.month()));
}

Date add_months(Date date, int months) {
  // Months since year 0, floor-divided so that months before January stay in range.
  const int absolute = date.year() * 12 + (date.month() - 1) + months;
  const int year = absolute >= 0 ? absolute / 12 : (absolute - 11) / 12;
  return Date::from_ymd(year, absolute - year * 12 + 1, 1);
}

std::string_view month_name(int month) {
  static constexpr std::string_view names[] = {"January",   "February", "March",    "April",
                                               "May",       "June",     "July",     "August",
                                               "September", "October",  "November", "December"};
  return names[month - 1];
}

}  // namespace fnesim
