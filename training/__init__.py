"""Zhibiao training side: reading indicator tables, the taxonomy, target grammar and the model."""
