"""Practice rules: the calm-voice baseline, the adaptive target bands, the verdict on a
take, difficulty suggestions and streaks.

Pure functions and frozen dataclasses only: no I/O, no Textual, SQLite or sounddevice.
The rules are written down for people in docs/practice.md.
"""
