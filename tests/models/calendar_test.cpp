#include "models/calendar.hpp"

#include <gtest/gtest.h>

namespace fnesim {
namespace {

TEST(Calendar, RoundTripsIsoDates) {
  const Date d = Date::from_ymd(2021, 12, 31);
  EXPECT_EQ(d.iso(), "2021-12-31");
  EXPECT_EQ(Date::parse("2021-12-31"), d);
  EXPECT_EQ(days_between(Date::from_ymd(2021, 1, 1), d), 364);
  EXPECT_EQ(Date::from_ymd(1970, 1, 1).day_number(), 0);
}

TEST(Calendar, RejectsImpossibleDates) {
  EXPECT_FALSE(Date::parse("2021-02-29"));
  EXPECT_TRUE(Date::parse("2020-02-29"));
  EXPECT_FALSE(Date::parse("2021-13-01"));
  EXPECT_FALSE(Date::parse("2021-1-01"));
  EXPECT_FALSE(Date::parse("20210101xx"));
}

TEST(Calendar, MonthIndexCountsAcrossYears) {
  EXPECT_EQ(month_index(Date::from_ymd(2021, 1, 1), Date::from_ymd(2022, 4, 30)), 15);
  EXPECT_EQ(month_index(Date::from_ymd(2021, 1, 1), Date::from_ymd(2021, 1, 31)), 0);
}

}  // namespace
}  // namespace fnesim
