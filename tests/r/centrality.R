# Reference values from R igraph and sna for tests/test_reference_r.py.
# Usage: Rscript centrality.R DIR
# DIR/cases.csv has columns id, directed (TRUE/FALSE); DIR/<id>.csv is a weighted adjacency
# matrix without header. Writes DIR/centralization.csv (id, source, measure, mode, value) and
# DIR/nodes.csv (id, source, measure, node, value; node is 1-based).
# Exits with status 3 when igraph or sna is not installed.
for (pkg in c("igraph", "sna")) {
  if (!requireNamespace(pkg, quietly = TRUE)) quit(status = 3)
}
suppressPackageStartupMessages({
  library(igraph)
  library(sna)
})

dir <- commandArgs(trailingOnly = TRUE)[1]
cases <- read.csv(file.path(dir, "cases.csv"), stringsAsFactors = FALSE)
centr <- list()
nodes <- list()
add_c <- function(id, source, measure, mode, value) {
  centr[[length(centr) + 1]] <<- data.frame(id = id, source = source, measure = measure,
                                            mode = mode, value = value)
}
add_n <- function(id, source, measure, value) {
  nodes[[length(nodes) + 1]] <<- data.frame(id = id, source = source, measure = measure,
                                            node = seq_along(value), value = value)
}

for (k in seq_len(nrow(cases))) {
  id <- cases$id[k]
  directed <- as.logical(cases$directed[k])
  w <- as.matrix(read.csv(file.path(dir, paste0(id, ".csv")), header = FALSE))
  dimnames(w) <- NULL
  b <- (w > 0) * 1
  gm <- if (directed) "directed" else "undirected"
  g <- graph_from_adjacency_matrix(b, mode = gm)
  gw <- graph_from_adjacency_matrix(w, mode = gm, weighted = TRUE)
  sm <- if (directed) "digraph" else "graph"
  modes <- if (directed) c("all", "out", "in") else "all"
  for (m in modes) {
    add_c(id, "igraph", "degree", m, centr_degree(g, mode = m, loops = FALSE)$centralization)
    add_c(id, "igraph", "closeness", m, suppressWarnings(centr_clo(g, mode = m)$centralization))
    add_n(id, "igraph", paste0("closeness_", m), suppressWarnings(
      igraph::closeness(g, mode = m, normalized = TRUE)))
    add_n(id, "igraph", paste0("closeness_weighted_", m), suppressWarnings(
      igraph::closeness(gw, mode = m, normalized = TRUE, weights = max(w) / E(gw)$weight)))
  }
  add_c(id, "igraph", "betweenness", "all", centr_betw(g, directed = directed)$centralization)
  add_c(id, "igraph", "eigenvector", "all",
        suppressWarnings(centr_eigen(g, directed = directed)$centralization))
  add_n(id, "igraph", "betweenness_weighted",
        igraph::betweenness(gw, directed = directed, weights = max(w) / E(gw)$weight))
  add_n(id, "igraph", "eigenvector_weighted",
        suppressWarnings(eigen_centrality(gw, directed = directed)$vector))
  add_n(id, "igraph", "constraint", igraph::constraint(gw))
  if (directed) {
    for (cm in c("freeman", "outdegree", "indegree")) {
      add_c(id, "sna", "degree", c(freeman = "all", outdegree = "out", indegree = "in")[[cm]],
            centralization(b, sna::degree, mode = sm, cmode = cm))
    }
    add_c(id, "sna", "closeness", "out", centralization(b, sna::closeness, mode = sm))
  } else {
    add_c(id, "sna", "degree", "all", centralization(b, sna::degree, mode = sm))
    add_c(id, "sna", "closeness", "all", centralization(b, sna::closeness, mode = sm))
    add_c(id, "sna", "eigenvector", "all", centralization(b, sna::evcent, mode = sm))
    add_n(id, "sna", "eigenvector", sna::evcent(b, gmode = sm))
  }
  add_c(id, "sna", "betweenness", "all", centralization(b, sna::betweenness, mode = sm))
}
write.csv(do.call(rbind, centr), file.path(dir, "centralization.csv"), row.names = FALSE)
write.csv(do.call(rbind, nodes), file.path(dir, "nodes.csv"), row.names = FALSE)
