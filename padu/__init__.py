"""Padu: the single poverty data platform of a regional government."""
