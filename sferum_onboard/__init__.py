"""sferum-onboard: bring a whole school onto Sferum (in MAX)."""

__version__ = "0.1.0"
