"""Importers for the publishers' own formats; each returns tidy, explicitly typed tables."""
