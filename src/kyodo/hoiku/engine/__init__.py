"""Scoring, priority and allocation."""
