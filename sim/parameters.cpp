#include "sim/parameters.hpp"

#include <boost/math/distributions/normal.hpp>
#include <cmath>

#include "sim/boost_random.hpp"
#include "sim/scenario/uncertain_parameters.hpp"

namespace fnesim {

Eigen::MatrixXd copula_loading(const Eigen::MatrixXd& correlation) {
  if (correlation.rows() == 0) return correlation;
  // Gaussian copula loading: L = V √Λ handles semidefinite matrices too.
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(correlation);
  return solver.eigenvectors() * solver.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal();
}

ParameterDraw draw_parameters(const Scenario& scenario, const Eigen::MatrixXd& loading, Engine& engine,
                              const ProfileEvidence* evidence) {
  ParameterDraw draw;
  draw.values = draw_parameter_values(scenario, loading, engine);
  if (scenario.uncertainty.profile_uncertain()) draw.profile = draw_profile(scenario, engine, evidence);
  return draw;
}

std::vector<double> draw_parameter_values(const Scenario& scenario, const Eigen::MatrixXd& loading,
                                          Engine& engine) {
  const UncertaintyModel& model = scenario.uncertainty;
  std::vector<double> values;
  const auto n = static_cast<Eigen::Index>(model.parameters.size());
  if (n > 0) {
    boost::random::normal_distribution<double> standard_normal;
    Eigen::VectorXd scores(n);
    for (Eigen::Index i = 0; i < n; ++i) scores[i] = standard_normal(engine);
    const Eigen::VectorXd z = loading * scores;
    const boost::math::normal standard;
    for (Eigen::Index i = 0; i < n; ++i) {
      // The upper tail through the complement keeps its precision.
      const double u = z[i] <= 0 ? boost::math::cdf(standard, z[i]) : 1 - boost::math::cdf(standard, -z[i]);
      const double p = std::clamp(u, 1e-15, 1 - 1e-15);
      values.push_back(model.parameters[static_cast<std::size_t>(i)].distribution.quantile(p));
    }
  }
  return values;
}

std::array<double, 12> draw_profile(const Scenario& scenario, Engine& engine, const ProfileEvidence* evidence) {
  const UncertaintyModel& model = scenario.uncertainty;
  std::array<double, 12> centre = stated_monthly_profile(scenario);
  if (model.profile_tilt > 0) centre = tilted_profile(centre, boost::random::normal_distribution<double>(
                                                                   0.0, model.profile_tilt)(engine));
  const double c = model.profile_concentration;
  if (c <= 0) return centre;
  // The Dirichlet through independent Gamma(α, 1) draws, normalised.
  auto gamma = [&](double alpha) {
    return alpha > 0 ? boost::random::gamma_distribution<double>(alpha, 1.0)(engine) : 0.0;
  };
  std::array<double, 12> shares{};
  if (evidence == nullptr) {
    double sum = 0;
    for (std::size_t m = 0; m < 12; ++m) sum += shares[m] = gamma(c * centre[m]);
    for (double& x : shares) x = sum > 0 ? x / sum : 0.0;
  } else {
    // A Dirichlet is independent Gamma(c p_m, 1) draws normalised; the
    // normalisation is a factor common to every month, which a forecast
    // learns with the level. So the observed months keep their shares (the
    // tilt's, which the weights learn) and each month to come gets its own
    // mean-one Gamma factor.
    for (std::size_t m = 0; m < 12; ++m) {
      const double alpha = c * centre[m];
      shares[m] = evidence->observed[m] || alpha <= 0 ? centre[m] : centre[m] * gamma(alpha) / alpha;
    }
  }
  return shares;
}

std::array<double, 12> tilted_profile(const std::array<double, 12>& shares, double tilt) {
  std::array<double, 12> out{};
  double sum = 0;
  for (std::size_t m = 0; m < 12; ++m) sum += out[m] = shares[m] * std::exp(tilt * (static_cast<double>(m) - 5.5) / 5.5);
  for (double& x : out) x /= sum;
  return out;
}

int draw_drift(const UncertaintyModel& model, int first_month, int last_counted_month, Engine& engine,
               std::vector<double>& multipliers) {
  const double sd = model.monthly_drift;
  boost::random::normal_distribution<double> step(-sd * sd / 2, sd);
  double log_level = 0;
  int jumps = 0;
  for (std::size_t m = 0; m < multipliers.size(); ++m) {
    if (static_cast<int>(m) >= first_month) {
      if (sd > 0) log_level += step(engine);
      if (const std::optional<double> jump = draw_jump(model, engine)) {
        jumps += static_cast<int>(m) <= last_counted_month;
        log_level += *jump;
      }
    }
    multipliers[m] = std::exp(log_level);
  }
  return jumps;
}

std::optional<double> draw_jump(const UncertaintyModel& model, Engine& engine) {
  if (model.jump_probability <= 0) return std::nullopt;
  const double s = model.jump_sd;
  if (boost::random::uniform_01<double>()(engine) >= model.jump_probability) return std::nullopt;
  return boost::random::normal_distribution<double>(-s * s / 2, s)(engine);
}

void apply_parameters(Scenario& scenario, const ParameterDraw& draw, const std::vector<double>& scales) {
  const std::vector<UncertainParameter>& parameters = scenario.uncertainty.parameters;
  for (std::size_t i = 0; i < draw.values.size(); ++i)
    set_uncertain_parameter(scenario, parameters[i].path, draw.values[i] * (scales.empty() ? 1.0 : scales[i]));
  if (draw.profile) set_monthly_profile(scenario, *draw.profile);
}

}  // namespace fnesim
