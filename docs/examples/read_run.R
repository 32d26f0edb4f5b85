# Reading an fnesim run file (docs/hdf5-format.md) with hdf5r.
#
#   Rscript docs/examples/read_run.R run.h5
#
# install.packages("hdf5r") once. Shows: checking what the file is, its
# provenance, the summary as `fnesim run` printed it, and analyses computed
# from the replications and the trajectories.
library(hdf5r)

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: Rscript read_run.R run.h5")
f <- H5File$new(args[1], mode = "r")

# 1. What the file is: refuse anything else, and majors we do not know (a
#    higher minor version only adds paths, which we may ignore).
if (!("filetype" %in% h5attr_names(f)) || h5attr(f, "filetype") != "fnesim-results")
  stop(args[1], ": not an fnesim run file")
version <- h5attr(f, "format_version")
if (version[1] != 1) stop(args[1], ": format ", version[1], ".", version[2], "; this script reads 1.x")

# The file is row-major (C order: replication × region × month, as documented);
# R is column-major, and hdf5r presents the dimensions reversed (region ×
# replication). Put them back in the documented order, whichever way a package did it.
in_documented_order <- function(x, expected) {
  if (is.null(dim(x)) || length(expected) == 1) return(as.vector(x))
  if (identical(as.integer(dim(x)), as.integer(expected))) return(x)
  if (identical(as.integer(dim(x)), as.integer(rev(expected)))) return(aperm(x))
  stop("unexpected dimensions ", paste(dim(x), collapse = " × "))
}
# int64 datasets (cents, counts) may come back as integer64; amounts below
# 2^53 cents (90 000 billion EUR) are exact as doubles.
read <- function(path, expected = NULL) {
  x <- f[[path]]$read()
  if (inherits(x, "integer64")) x <- as.numeric(x)
  if (is.null(expected)) x else in_documented_order(x, expected)
}

# 2. Provenance.
n <- as.numeric(h5attr(f, "replications"))
cat(sprintf("%s: %.0f replications, seed %s, fnesim %s (%s), %s\n", h5attr(f, "scenario_name"), n,
            format(h5attr(f, "seed")), h5attr(f, "fnesim_version"), h5attr(f, "git_revision"),
            h5attr(f, "created")))
cat("scenario sha256", h5attr(f, "scenario_sha256"), "\n")

# 3. The summary, per region.
codes <- read("regions/code")
R <- length(codes)
summary <- data.frame(
  region = codes,
  p_exhausted = read("summary/regions/p_exhausted_mean"),
  p_exhausted_se = read("summary/regions/p_exhausted_se"),
  unmet_meur = read("summary/regions/unmet_mean_eur") / 1e6
)
print(summary, digits = 3)

# 4. From the replications (money in integer cents; -1 = never exhausted).
days <- read("replications/exhaustion_day", c(n, R))  # replication × region
exhausted <- rowSums(days >= 0)
cat("\nregions exhausted in the same simulated year:\n")
for (k in c(1, 3, 6, 12)) cat(sprintf("  at least %2d: %.3f\n", k, mean(exhausted >= k)))
unmet <- read("replications/unmet_cents", c(n, R)) / 100
colnames(unmet) <- codes
cat("\ncorrelation of unmet demand between the first three regions:\n")
print(round(cor(unmet[, 1:3]), 2))

# 5. From the trajectories: the national fan of cumulative commitments.
if (f$exists("trajectories")) {
  months <- read("trajectories/month")
  M <- length(months)
  monthly <- read("trajectories/monthly_commitments_cents", c(n, R, M)) / 100
  national <- apply(monthly, c(1, 3), sum)  # replication × month
  cumulative <- t(apply(national, 1, cumsum))
  # type = 1: the inverted empirical CDF, as fnesim reports quantiles.
  fan <- apply(cumulative, 2, quantile, probs = c(0.05, 0.5, 0.95), type = 1)
  cat("\nnational cumulative commitments (M EUR):\n")
  print(data.frame(month = months, q05 = fan[1, ] / 1e6, median = fan[2, ] / 1e6, q95 = fan[3, ] / 1e6),
        digits = 4)
} else {
  cat("\n(no trajectories: the run was made with --no-trajectories)\n")
}
f$close_all()
