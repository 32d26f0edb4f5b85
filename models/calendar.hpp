#pragma once
// Calendar dates as day numbers, so that the simulation works in integer days
// and reports dates people read ("2021-09-15").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fnesim {

class Date {
 public:
  constexpr Date() = default;
  static Date from_ymd(int year, int month, int day);
  static constexpr Date from_day_number(std::int32_t days_since_epoch) { return Date(days_since_epoch); }
  // Parses "YYYY-MM-DD"; nullopt when malformed or not a real date.
  static std::optional<Date> parse(std::string_view text);

  constexpr std::int32_t day_number() const { return days_since_epoch_; }
  int year() const;
  int month() const;               // 1..12
  int day() const;                 // 1..31
  std::string iso() const;         // "YYYY-MM-DD"
  std::string year_month() const;  // "YYYY-MM"

  constexpr Date plus_days(std::int32_t days) const { return Date(days_since_epoch_ + days); }
  friend constexpr std::int32_t days_between(Date from, Date to) {
    return to.days_since_epoch_ - from.days_since_epoch_;
  }
  friend constexpr auto operator<=>(Date, Date) = default;

 private:
  constexpr explicit Date(std::int32_t days) : days_since_epoch_(days) {}
  std::int32_t days_since_epoch_ = 0;  // 1970-01-01 is day 0
};

int days_in_month(int year, int month);
bool is_valid_ymd(int year, int month, int day);

// Months counted from a first month: month_index(2021-01-xx, 2022-03-xx) == 14.
int month_index(Date first, Date date);

// The month a date falls in, by its first and last days; and the first day of
// the month `months` after the date's month (negative: before).
Date first_of_month(Date date);
Date last_of_month(Date date);
Date add_months(Date date, int months);

// "January".."December" (month 1..12), as English text reads it.
std::string_view month_name(int month);

}  // namespace fnesim
