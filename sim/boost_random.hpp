#pragma once
// Boost.Random's distributions, included in one place: GCC 12 at -O3 reports a
// false -Wmaybe-uninitialized inside poisson_distribution's PTRD union (the
// member read is set by the same branch that reads it).
#pragma GCC diagnostic push
#if !defined(__clang__)  // clang has no such warning (the fuzz preset builds with it)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/beta_distribution.hpp>
#include <boost/random/discrete_distribution.hpp>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/gamma_distribution.hpp>
#include <boost/random/lognormal_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#pragma GCC diagnostic pop
