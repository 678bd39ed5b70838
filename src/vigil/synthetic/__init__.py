"""Synthetic demonstration data. Never real people or real cases."""
