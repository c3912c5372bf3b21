"""Zhibiao serving side: the HTTP API and the command line."""
