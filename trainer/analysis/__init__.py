"""Measuring a spoken take: pure functions on numpy arrays, frozen dataclasses out.

Nothing here imports Textual, SQLite or sounddevice.
"""
