#pragma once
// Checks on the correlation matrix of the regional uptake factors, and the
// nearest valid one to offer when a user's matrix is not positive semidefinite.
#include <Eigen/Dense>
#include <string>
#include <vector>

namespace fnesim {

// Smallest eigenvalue of a symmetric matrix.
double smallest_eigenvalue(const Eigen::MatrixXd& symmetric);

// The correlation matrix nearest to `a` in the Frobenius norm whose eigenvalues
// are at least `min_eigenvalue`: alternating projections with Dykstra's
// correction (N. J. Higham, "Computing the nearest correlation matrix — a
// problem from finance", IMA J. Numer. Anal. 22, 2002, algorithm 3.3).
Eigen::MatrixXd nearest_correlation_matrix(const Eigen::MatrixXd& a, double min_eigenvalue = 0.0,
                                           double tolerance = 1e-12, int max_iterations = 10'000);

// A correlation matrix as TOML rows a user can paste after `key = `, with each
// row's label as a comment; rounded to the fewest decimals (4 to 10) that keep it
// symmetric, unit-diagonal and positive semidefinite.
std::string correlation_matrix_as_toml(const Eigen::MatrixXd& matrix, const std::string& key,
                                       const std::vector<std::string>& row_labels);

// The same matrix as [uncertainty]'s `correlations`: one { between, rho } pair
// per non-zero entry above the diagonal, named by `labels`, rounded likewise.
std::string correlation_pairs_as_toml(const Eigen::MatrixXd& matrix, const std::vector<std::string>& labels);

}  // namespace fnesim
