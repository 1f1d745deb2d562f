# sna::brokerage reference values for tests/test_reference_r.py.
# Usage: Rscript brokerage.R DIR
# DIR/cases.csv has a column id; DIR/<id>.csv is a binary directed adjacency matrix without
# header and DIR/<id>_groups.csv a one-column file (header "group") of group labels.
# Writes DIR/<id>_sna.csv with sna's node-level columns raw_*, exp_*, sd_*, z_* for
# w_I, w_O, b_IO, b_OI, b_O, t. Exits with status 3 when sna is not installed.
if (!requireNamespace("sna", quietly = TRUE)) quit(status = 3)
suppressPackageStartupMessages(library(sna))

dir <- commandArgs(trailingOnly = TRUE)[1]
cases <- read.csv(file.path(dir, "cases.csv"), stringsAsFactors = FALSE)
for (id in cases$id) {
  a <- as.matrix(read.csv(file.path(dir, paste0(id, ".csv")), header = FALSE))
  dimnames(a) <- NULL
  cl <- read.csv(file.path(dir, paste0(id, "_groups.csv")), stringsAsFactors = FALSE)$group
  br <- brokerage(a, cl)
  out <- cbind(br$raw.nli, br$exp.nli, br$sd.nli, br$z.nli)
  colnames(out) <- paste(rep(c("raw", "exp", "sd", "z"), each = 6), colnames(br$raw.nli),
                         sep = "_")
  write.csv(out, file.path(dir, paste0(id, "_sna.csv")), row.names = FALSE)
}
