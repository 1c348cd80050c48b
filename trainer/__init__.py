"""Level Voice: practise a level, engaged voice against difficult client clips."""

__version__ = "0.1.0"
