"""Importers of the published datasets and ``build_raw``, which derives the tables of
``data/raw`` from them (``python -m hubspoke.sources.build_raw``). Run by a maintainer when new
data arrive, never by the workflow; each importer returns tidy, explicitly typed tables."""
