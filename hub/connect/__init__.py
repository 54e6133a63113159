"""Coupling codes and the links between care pages and provider dossiers."""
