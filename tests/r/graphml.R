# Reads a GraphML file of hubspoke.stages.export_graphs with R igraph, for tests/test_graphfiles.py.
# Usage: Rscript graphml.R FILE.graphml DIR
# Writes DIR/r_nodes.csv (id, iso3, name, is_hub, bloc) and DIR/r_edges.csv (source, target,
# weight, weight_source; a missing value written as NA) and DIR/r_graph.csv (directed).
# Exits with status 3 when igraph is not installed.
if (!requireNamespace("igraph", quietly = TRUE)) quit(status = 3)
suppressPackageStartupMessages(library(igraph))

args <- commandArgs(trailingOnly = TRUE)
g <- read_graph(args[1], format = "graphml")
dir <- args[2]
v <- as.data.frame(vertex_attr(g), stringsAsFactors = FALSE)
write.csv(v[, intersect(c("id", "iso3", "name", "is_hub", "bloc"), names(v))],
          file.path(dir, "r_nodes.csv"), row.names = FALSE, na = "NA")
ends <- ends(g, E(g), names = FALSE)
e <- data.frame(source = V(g)$id[ends[, 1]], target = V(g)$id[ends[, 2]],
                stringsAsFactors = FALSE)
# all 17 significant digits (write.csv keeps 15), NA stays NA
e$weight <- ifelse(is.na(E(g)$weight), NA, sprintf("%.17g", E(g)$weight))
if ("weight_source" %in% edge_attr_names(g)) e$weight_source <- E(g)$weight_source
write.csv(e, file.path(dir, "r_edges.csv"), row.names = FALSE, na = "NA")
write.csv(data.frame(directed = is_directed(g), weight_class = class(E(g)$weight),
                     is_hub_class = class(V(g)$is_hub)),
          file.path(dir, "r_graph.csv"), row.names = FALSE)
