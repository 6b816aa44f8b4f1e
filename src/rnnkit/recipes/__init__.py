"""Recipes: one task end to end (data, model, training, metrics, report)."""
