#pragma once
// How amounts, probabilities and days read in terminal tables and text
// reports: one place, so that `run`, `recommend`, `backtest` and `compare`
// print the same figure the same way.
#include <optional>
#include <string>

#include "models/calendar.hpp"
#include "models/distribution.hpp"
#include "models/money.hpp"

namespace fnesim {

// The committee's question and what answers it: not national demand (every
// eligible dossier filed, a figure printed beside it) but the peak of net
// commitments with the regions pooled and releases re-committed — what a
// national pool would have had to refuse.
inline constexpr const char* additional_needed_question =
    "Will additional allocations be needed? Probability that commitments, regions pooled and releases "
    "re-committed, outrun the national envelope available: ";
// "12 345.6": thousands grouped by a space as format_euros groups them,
// `decimals` digits after the point; "-1 234" below zero.
std::string format_count(double value, int decimals = 0);
// The shortest text that reads back as the same double ("700", "0.15", "inf"),
// for files read by programs: exact, and 0.03 is written 0.03.
std::string format_shortest(double x);
std::string format_meur(double eur);               // "27.50 M€"
std::string format_meur(Cents amount);             // "27.50 M€"
std::string format_meur_signed(Cents amount);      // "+1.25 M€", "-0.03 M€"
std::string format_meur_range(Cents low, Cents high);  // "12.30 – 15.10" (the unit in the column header)
std::string format_meur_figure(double eur);            // "12.30" (the unit in the column header)
std::string format_probability(double p);                           // "0.307"
std::string format_probability(double p, double standard_error);    // "0.307 ±0.004", "1.000 ±n/a"
// "±" and the standard error as `formatted` writes it, or "±n/a" when there is
// none (NaN: fewer than two independent replications, sim/statistics.hpp).
std::string format_plus_minus(double standard_error, const std::string& formatted);
// A day counted from `start`, as a date; "not exhausted" when there is none.
std::string format_day(Date start, const std::optional<std::int32_t>& day);

// A parameter's distribution with the scenario's own keys: "lognormal(mean=700, cv=1)"
// (the run file's /uncertainty/parameter_distributions, and `validate`).
std::string describe_distribution(const Distribution& distribution);

}  // namespace fnesim
