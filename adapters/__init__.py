"""Adapters: one package per kind of provider system, registered as ``carehub.adapters`` entry points."""
