"""What the command line prints: tables, lines and machine formats made from the library's data.

The library returns records and raises errors that carry data (candidate
people, problems); these modules turn them into Russian text and rich
tables. Only `cli.py` imports them.
"""
