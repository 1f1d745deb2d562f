# Timing and values of R sna for bench/bench.py.
# Usage: Rscript kernels.R DIR
# DIR/cases.csv has columns id, reps; DIR/<id>.csv is a binary directed adjacency matrix
# without header and DIR/<id>_groups.csv a one-column file (header "group").
# Writes DIR/<id>_brokerage.csv (sna::brokerage raw, exp, sd per node, columns as in sna),
# DIR/<id>_centralization.csv (degree and betweenness centralization of the symmetrised
# graph) and DIR/timings.csv (id, kernel, seconds per call, the mean over reps calls).
if (!requireNamespace("sna", quietly = TRUE)) quit(status = 3)
suppressPackageStartupMessages(library(sna))

dir <- commandArgs(trailingOnly = TRUE)[1]
cases <- read.csv(file.path(dir, "cases.csv"), stringsAsFactors = FALSE)
per_call <- function(reps, f) {
  f()
  start <- proc.time()[["elapsed"]]
  for (i in seq_len(reps)) f()
  (proc.time()[["elapsed"]] - start) / reps
}
timings <- list()
for (k in seq_len(nrow(cases))) {
  id <- cases$id[k]
  reps <- cases$reps[k]
  a <- as.matrix(read.csv(file.path(dir, paste0(id, ".csv")), header = FALSE))
  dimnames(a) <- NULL
  cl <- read.csv(file.path(dir, paste0(id, "_groups.csv")), stringsAsFactors = FALSE)$group
  u <- (a + t(a) > 0) * 1
  br <- brokerage(a, cl)
  out <- cbind(br$raw.nli, br$exp.nli, br$sd.nli)
  colnames(out) <- paste(rep(c("raw", "exp", "sd"), each = 6), colnames(br$raw.nli), sep = "_")
  write.csv(out, file.path(dir, paste0(id, "_brokerage.csv")), row.names = FALSE)
  cent <- data.frame(
    measure = c("degree", "betweenness"),
    value = c(centralization(u, degree, mode = "graph"),
              centralization(u, betweenness, mode = "graph"))
  )
  write.csv(cent, file.path(dir, paste0(id, "_centralization.csv")), row.names = FALSE)
  timings[[length(timings) + 1]] <- data.frame(
    id = id,
    kernel = c("brokerage", "degree", "betweenness"),
    seconds = c(
      per_call(reps, function() brokerage(a, cl)),
      per_call(reps, function() centralization(u, degree, mode = "graph")),
      per_call(reps, function() centralization(u, betweenness, mode = "graph"))
    )
  )
}
write.csv(do.call(rbind, timings), file.path(dir, "timings.csv"), row.names = FALSE)
