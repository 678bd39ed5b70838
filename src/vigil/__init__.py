"""Vigil: find, protect and stand behind children at risk of child sexual exploitation."""

__version__ = "0.1.0"
