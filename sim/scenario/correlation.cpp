#include "sim/scenario/correlation.hpp"

#include <cmath>
#include <cstdio>

#include "sim/scenario/reader.hpp"

namespace fnesim {

double smallest_eigenvalue(const Eigen::MatrixXd& symmetric) {
  if (symmetric.rows() == 0) return 0.0;
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(symmetric, Eigen::EigenvaluesOnly);
  return solver.eigenvalues().minCoeff();
}

namespace {

// Projection onto {X symmetric : eigenvalues ≥ floor}: clip the spectrum.
Eigen::MatrixXd project_spectrum(const Eigen::MatrixXd& r, double floor) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(r);
  const Eigen::VectorXd clipped = solver.eigenvalues().cwiseMax(floor);
  Eigen::MatrixXd x = solver.eigenvectors() * clipped.asDiagonal() * solver.eigenvectors().transpose();
  return (x + x.transpose()) / 2;
}

Eigen::MatrixXd rounded(const Eigen::MatrixXd& m, int decimals) {
  const double scale = std::pow(10.0, decimals);
  Eigen::MatrixXd out = m;
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    out(i, i) = 1.0;
    for (Eigen::Index j = i + 1; j < m.cols(); ++j) {
      const double v = std::round((m(i, j) + m(j, i)) / 2 * scale) / scale;
      out(i, j) = out(j, i) = v;
    }
  }
  return out;
}

std::string fixed_text(double v, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  std::string text(buffer);
  while (text.size() > 2 && text.back() == '0' && text[text.size() - 2] != '.') text.pop_back();
  if (text == "-0.0") text = "0.0";
  return text;
}

}  // namespace

Eigen::MatrixXd nearest_correlation_matrix(const Eigen::MatrixXd& a, double min_eigenvalue, double tolerance,
                                           int max_iterations) {
  const Eigen::MatrixXd sym = (a + a.transpose()) / 2;
  Eigen::MatrixXd y = sym;
  Eigen::MatrixXd correction = Eigen::MatrixXd::Zero(a.rows(), a.cols());
  for (int iteration = 0; iteration < max_iterations; ++iteration) {
    const Eigen::MatrixXd r = y - correction;
    const Eigen::MatrixXd x = project_spectrum(r, min_eigenvalue);
    correction = x - r;
    Eigen::MatrixXd next = x;
    next.diagonal().setOnes();  // projection onto unit-diagonal matrices
    const double change = (next - y).norm() / std::max(1.0, y.norm());
    y = std::move(next);
    if (change < tolerance) break;
  }
  return y;
}

namespace {

// The matrix rounded to the fewest decimals (4 to 10) that keep it positive
// semidefinite: what a user pastes must pass the check it failed.
Eigen::MatrixXd rounded_for_display(const Eigen::MatrixXd& matrix, int& decimals) {
  decimals = 4;
  Eigen::MatrixXd shown = rounded(matrix, decimals);
  while (decimals < 10 && smallest_eigenvalue(shown) < 0.0) {
    decimals += 2;
    shown = rounded(matrix, decimals);
  }
  return shown;
}

}  // namespace

std::string correlation_pairs_as_toml(const Eigen::MatrixXd& matrix, const std::vector<std::string>& labels) {
  int decimals = 4;
  const Eigen::MatrixXd shown = rounded_for_display(matrix, decimals);
  std::string out = "correlations = [\n";
  for (Eigen::Index i = 0; i < shown.rows(); ++i)
    for (Eigen::Index j = i + 1; j < shown.cols(); ++j) {
      if (shown(i, j) == 0) continue;  // unstated pairs are uncorrelated
      // A path may hold a quoted event name ("events.\"late rush\".factor"): escaped, it pastes.
      out += "  { between = [" + scenario_detail::toml_string_text(labels.at(static_cast<std::size_t>(i))) +
             ", " + scenario_detail::toml_string_text(labels.at(static_cast<std::size_t>(j))) +
             "], rho = " + fixed_text(shown(i, j), decimals) + " },\n";
    }
  out += "]";
  return out;
}

std::string correlation_matrix_as_toml(const Eigen::MatrixXd& matrix, const std::string& key,
                                       const std::vector<std::string>& row_labels) {
  int decimals = 4;
  const Eigen::MatrixXd shown = rounded_for_display(matrix, decimals);
  std::string out = key + " = [\n";
  for (Eigen::Index i = 0; i < shown.rows(); ++i) {
    out += "  [";
    for (Eigen::Index j = 0; j < shown.cols(); ++j) {
      if (j > 0) out += ", ";
      out += fixed_text(shown(i, j), decimals);
    }
    out += "],";
    if (static_cast<std::size_t>(i) < row_labels.size()) {
      out += "  # ";
      out += row_labels[static_cast<std::size_t>(i)];
    }
    out += '\n';
  }
  out += "]";
  return out;
}

}  // namespace fnesim
