"""Kyodo (共同): shared digital services for Tokyo's municipalities."""

__version__ = "0.1.0"
