"""Reasons for each child and differences between runs."""
