// The end of a run in the run file: the breakdowns of commitments by cell and
// the summary `fnesim run` reports (/breakdowns, /summary; docs/hdf5-format.md).
#include <iterator>

#include "models/categories.hpp"
#include "results/run_file_writer_impl.hpp"

namespace fnesim {

namespace layout = run_layout;

namespace {

template <std::size_t N>
std::vector<std::string> labels_of(const std::array<std::string_view, N>& keys) {
  return {keys.begin(), keys.end()};
}

}  // namespace

void RunFileWriter::Impl::write_breakdowns() {
  hdf5::Group group =
      file.create_group("breakdowns",
                        "Training commitments by company size × status × pathway, mean over replications "
                        "(carry-over and diagnostics are outside the cells)");
  group.write_strings("size", labels_of(size_class_keys), meta(layout::label, "Company size class", "size"));
  group.write_strings("status", labels_of(status_keys),
                      meta(layout::label, "Partial-activity status", "status"));
  group.write_strings("pathway", labels_of(pathway_keys), meta(layout::label, "Training pathway", "pathway"));
  const double n = written > 0 ? static_cast<double>(written) : 1.0;
  std::vector<double> committed(committed_by_cell_sum.size()), trainees(trainees_by_cell_sum.size());
  for (std::size_t i = 0; i < committed.size(); ++i) {
    committed[i] = static_cast<double>(committed_by_cell_sum[i]) / n;
    trainees[i] = static_cast<double>(trainees_by_cell_sum[i]) / n;
  }
  const std::vector<hsize_t> shape{static_cast<hsize_t>(regions), size_class_count, status_count,
                                   pathway_count};
  group.write<double>(
      "committed_mean_cents", committed, shape,
      meta(layout::cents, "Mean training commitments of the cell", "region × size × status × pathway"));
  group.write<double>(
      "trainees_mean", trainees, shape,
      meta(layout::count, "Mean trainees committed in the cell", "region × size × status × pathway"));
}

void RunFileWriter::Impl::write_summary(const RunSummary& s) {
  hdf5::Group summary = file.create_group("summary", "Every figure `fnesim run` reports (RunSummary)");
  std::vector<std::int32_t> day_percentiles(std::begin(reported_percentiles), std::end(reported_percentiles));
  std::vector<std::int32_t> amount_percentile_list(std::begin(amount_percentiles),
                                                   std::end(amount_percentiles));
  summary.write<std::int32_t>("day_percentiles", day_percentiles, {day_percentiles.size()},
                              meta(layout::percent, "Percentiles of the day quantiles", "day_percentile"));
  summary.write<std::int32_t>(
      "amount_percentiles", amount_percentile_list, {amount_percentile_list.size()},
      meta(layout::percent, "Percentiles of the amount quantiles", "amount_percentile"));
  std::vector<std::string> month_text;
  for (const Date& d : s.months) month_text.push_back(d.year_month());
  summary.write_strings("month", month_text, meta(layout::label, "Calendar month, YYYY-MM", "month"));
  if (s.standard_error_clusters)  // format 1.9
    summary.set_attribute<std::int64_t>("standard_error_clusters", *s.standard_error_clusters);
  if (s.standard_error_effective_clusters)
    summary.set_attribute<double>("standard_error_effective_clusters", *s.standard_error_effective_clusters);

  const auto R = static_cast<hsize_t>(s.regions.size());
  {
    hdf5::Group group = summary.create_group("regions", "Per region, in the order of /regions");
    for (const layout::RegionEstimate& e : layout::region_estimates) {
      for (std::size_t k = 0; k < layout::estimate_statistics.size(); ++k) {
        std::vector<double> values;
        for (const RegionSummary& r : s.regions) {
          const MeanEstimate& m = r.*e.member;
          const double all[] = {m.mean, m.standard_error, m.confidence.low, m.confidence.high};
          values.push_back(all[k]);
        }
        std::string description(e.description);
        description += ": ";
        description += layout::estimate_statistic_descriptions[k];
        group.write<double>(layout::estimate_name(e.base, layout::estimate_statistics[k], e.units), values,
                            {R}, meta(e.units, description, "region"));
      }
    }
    std::vector<std::int32_t> days;
    std::vector<std::int64_t> unmet;
    std::vector<double> by_month;
    for (const RegionSummary& r : s.regions) {
      for (int p : reported_percentiles) days.push_back(r.exhaustion_day.at(p).value_or(never_exhausted));
      for (int p : amount_percentiles) unmet.push_back(r.unmet_quantile.at(p));
      by_month.insert(by_month.end(), r.p_exhausted_by_month_end.begin(), r.p_exhausted_by_month_end.end());
    }
    group.write<std::int32_t>(
        "exhaustion_day_quantiles", days, {R, day_percentiles.size()},
        meta(layout::days,
             "Quantiles (inverted empirical CDF) of the exhaustion day; -1 when the quantile lies beyond the "
             "commitment window (not exhausted)",
             "region × day_percentile"));
    group.write<std::int64_t>("unmet_quantiles_cents", unmet, {R, amount_percentile_list.size()},
                              meta(layout::cents, "Quantiles (inverted empirical CDF) of the unmet demand",
                                   "region × amount_percentile"));
    group.write<double>("p_exhausted_by_month_end", by_month, {R, static_cast<hsize_t>(s.months.size())},
                        meta(layout::probability, "Share of replications exhausted by the end of the month",
                             "region × month"));
  }
  {
    const NationalSummary& n = s.national;
    hdf5::Group group = summary.create_group("national", "All regions together");
    group.write_scalar<std::int64_t>("envelope_cents", n.envelope, meta(layout::cents, "Total envelope"));
    group.write_scalar<std::int64_t>("available_cents", n.available,
                                     meta(layout::cents, "Total available for dossiers"));
    group.write_scalar<std::int64_t>("fees_cents", n.fees, meta(layout::cents, "Management fees withheld"));
    for (const layout::NationalEstimate& e : layout::national_estimates) {
      const MeanEstimate& m = n.*e.member;
      const double all[] = {m.mean, m.standard_error, m.confidence.low, m.confidence.high};
      for (std::size_t k = 0; k < layout::estimate_statistics.size(); ++k) {
        std::string description(e.description);
        description += ": ";
        description += layout::estimate_statistic_descriptions[k];
        group.write_scalar<double>(layout::estimate_name(e.base, layout::estimate_statistics[k], e.units),
                                   all[k], meta(e.units, description));
      }
    }
    std::vector<std::int64_t> amounts;
    for (int p : amount_percentiles) amounts.push_back(n.additional_needed_quantile.at(p));
    std::vector<std::int32_t> days;
    for (int p : reported_percentiles)
      days.push_back(n.additional_needed_day.at(p).value_or(never_exhausted));
    group.write<std::int64_t>(
        "additional_needed_quantiles_cents", amounts, {amount_percentile_list.size()},
        meta(layout::cents, "Quantiles of the additional allocation needed", "amount_percentile"));
    group.write<std::int32_t>(
        "additional_needed_day_quantiles", days, {day_percentiles.size()},
        meta(layout::days, "Quantiles of the day the national pool falls short; -1 beyond the window",
             "day_percentile"));
  }
  if (s.steering) write_steering_summary(summary, *s.steering);
  if (s.settlement) write_settlement_summary(summary, *s.settlement);
  if (s.cash) write_cash_summary(summary, *s.cash);
  if (s.national_past) write_national_past_summary(summary, *s.national_past);
}

void RunFileWriter::Impl::write_national_past_summary(hdf5::Group& summary, const NationalPastSummary& past) {
  hdf5::Group group = summary.create_group(
      "national_past",
      "A forecast from national totals: each region's part of the national months' commitments, as the "
      "replications shared them (/replications/national_past; format 1.12)");
  group.write_scalar<std::int64_t>(
      "committed_cents", past.committed,
      meta(layout::cents, "The national months' commitments, the same in every replication"));
  group.write_scalar<std::int64_t>(
      "other_actuals_cents", past.other_actuals,
      meta(layout::cents,
           "The rest of what the actuals committed before the cut-off, the same in every "
           "replication: the carry-over and a month the scenario expected nothing of (split once, "
           "by available amounts), a region's own figures"));
  const auto R = static_cast<hsize_t>(past.regions.size());
  for (std::size_t k = 0; k < layout::estimate_statistics.size(); ++k) {
    std::vector<double> values;
    for (const AmountDistribution& part : past.regions)
      values.push_back(std::array{part.mean.mean, part.mean.standard_error, part.mean.confidence.low,
                                  part.mean.confidence.high}[k]);
    group.write<double>(layout::estimate_name("committed", layout::estimate_statistics[k], layout::eur),
                        values, {R},
                        meta(layout::eur,
                             std::string("The region's part of the national months' commitments: ") +
                                 std::string(layout::estimate_statistic_descriptions[k]),
                             "region"));
  }
  std::vector<std::int64_t> quantiles;
  for (const AmountDistribution& part : past.regions)
    for (int p : amount_percentiles) quantiles.push_back(part.quantile.at(p));
  group.write<std::int64_t>(
      "committed_quantiles_cents", quantiles, {R, static_cast<hsize_t>(std::size(amount_percentiles))},
      meta(layout::cents,
           "Quantiles (inverted empirical CDF) of the region's part of the national months' "
           "commitments",
           "region × amount_percentile"));
}

void RunFileWriter::Impl::write_settlement_summary(hdf5::Group& summary, const SettlementSummary& st) {
  hdf5::Group group = summary.create_group(
      "settlement",
      "Art. 7: the settlement (last payment, paid, back to the State, lapsed) and the financial review's "
      "snapshot, per region and nationally (format 1.3)");
  group.write_string("training_end", st.training_end.iso(),
                     meta(layout::text, "Last day a training may run, YYYY-MM-DD (art. 7)"));
  group.write_string("training_past_deadline", st.past_deadline,
                     meta(layout::text, "How a training that would run past training_end is treated: "
                                        "pro-rata, refuse or pay-in-full"));
  group.write_string("review_date", st.review_date.iso(),
                     meta(layout::text, "The financial review's snapshot, at the end of this day, YYYY-MM-DD"));
  const std::vector<std::string> names(settlement_quantity_names.begin(), settlement_quantity_names.end());
  std::vector<std::string> units;
  for (std::size_t q = 0; q < settlement_quantity_count; ++q)
    units.emplace_back(q == static_cast<std::size_t>(SettlementQuantity::ReviewTrainees) ? layout::count
                                                                                          : layout::cents);
  const auto Q = static_cast<hsize_t>(settlement_quantity_count);
  const auto P = static_cast<hsize_t>(std::size(amount_percentiles));
  const auto D = static_cast<hsize_t>(std::size(reported_percentiles));
  group.write_strings("quantity", names, meta(layout::label, "The settlement quantities", "quantity"));
  group.write_strings("quantity_units", units,
                      meta(layout::label, "Each quantity's unit in the quantiles (the means are in EUR for "
                                          "cents, in trainees for count)",
                           "quantity"));
  auto write_part = [&](const std::string& prefix, const std::vector<const SettlementPart*>& parts,
                        const std::vector<hsize_t>& leading, const std::string& leading_dims) {
    const std::string dims = leading_dims.empty() ? "" : leading_dims + " × ";
    auto shape = [&](std::initializer_list<hsize_t> tail) {
      std::vector<hsize_t> out = leading;
      out.insert(out.end(), tail);
      return out;
    };
    for (std::size_t k = 0; k < layout::estimate_statistics.size(); ++k) {
      std::vector<double> values;
      for (const SettlementPart* part : parts)
        for (const AmountDistribution& d : part->quantities)
          values.push_back(std::array{d.mean.mean, d.mean.standard_error, d.mean.confidence.low,
                                      d.mean.confidence.high}[k]);
      group.write<double>(prefix + std::string(layout::estimate_statistics[k]), values, shape({Q}),
                          meta("EUR (trainees for review_trainees)",
                               std::string("Each quantity: ") + std::string(layout::estimate_statistic_descriptions[k]),
                               dims + "quantity"));
    }
    std::vector<std::int64_t> quantiles;
    std::vector<std::int32_t> days;
    for (const SettlementPart* part : parts) {
      for (const AmountDistribution& d : part->quantities)
        for (int p : amount_percentiles) quantiles.push_back(d.quantile.at(p));
      for (int p : reported_percentiles) days.push_back(part->last_payment_day.at(p).value_or(never_exhausted));
    }
    group.write<std::int64_t>(prefix + "quantiles", quantiles, shape({Q, P}),
                              meta("cents (trainees for review_trainees)",
                                   "Quantiles (inverted empirical CDF) of each quantity",
                                   dims + "quantity × amount_percentile"));
    group.write<std::int32_t>(prefix + "last_payment_day_quantiles", days, shape({D}),
                              meta(layout::days,
                                   "Quantiles of the day of the last payment; -1 when the quantile is a "
                                   "replication that paid nothing",
                                   dims + "day_percentile"));
  };
  std::vector<const SettlementPart*> regions;
  for (const SettlementPart& part : st.regions) regions.push_back(&part);
  write_part("regions_", regions, {static_cast<hsize_t>(regions.size())}, "region");
  write_part("national_", {&st.national}, {}, "");
}

void RunFileWriter::Impl::write_steering_summary(hdf5::Group& summary, const SteeringSummary& st) {
  hdf5::Group group = summary.create_group(
      "steering", "What the steering committee did, mean over replications (format 1.1)");
  const auto R = static_cast<hsize_t>(st.received_eur.size());
  auto per_region = [&](const char* base, const std::vector<MeanEstimate>& estimates, const char* what) {
    for (std::size_t k = 0; k < layout::estimate_statistics.size(); ++k) {
      std::vector<double> values;
      for (const MeanEstimate& m : estimates)
        values.push_back(std::array{m.mean, m.standard_error, m.confidence.low, m.confidence.high}[k]);
      std::string description(what);
      description += ": ";
      description += layout::estimate_statistic_descriptions[k];
      group.write<double>(layout::estimate_name(base, layout::estimate_statistics[k], layout::eur), values,
                          {R}, meta(layout::eur, description, "region"));
    }
  };
  auto national = [&](const char* base, std::string_view units, const MeanEstimate& m, const char* what) {
    const double all[] = {m.mean, m.standard_error, m.confidence.low, m.confidence.high};
    for (std::size_t k = 0; k < layout::estimate_statistics.size(); ++k) {
      std::string description(what);
      description += ": ";
      description += layout::estimate_statistic_descriptions[k];
      group.write_scalar<double>(layout::estimate_name(base, layout::estimate_statistics[k], units), all[k],
                                 meta(units, description));
    }
  };
  per_region("received", st.received_eur, "Money received from other regions, the reserve and the State");
  per_region("given", st.given_eur, "Money given to other regions and the reserve");
  national("moved_between_regions", layout::eur, st.moved_between_regions_eur, "Money moved between regions");
  national("reserve_handed_out", layout::eur, st.reserve_handed_out_eur, "National reserve handed out");
  national("complementary_received", layout::eur, st.complementary_received_eur,
           "Complementary State allocation received");
  national("p_complementary_received", layout::probability, st.p_complementary_received,
           "Probability that a complementary allocation arrives");
}

}  // namespace fnesim
