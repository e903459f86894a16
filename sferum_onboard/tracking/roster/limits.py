"""How big a roster may be: far above any school's or district's list, far below what would exhaust memory.

A district of 100,000 people is a 7 MB CSV or a 4 MB XLSX; a school's list
is a few hundred kilobytes. Files beyond these limits are refused before
they are read whole: a wrong file (a database dump, a log, a zip bomb)
must not take the machine's memory.
"""

MAX_FILE_BYTES = 50 * 1024 * 1024  # the file on disk
MAX_UNPACKED_BYTES = 500 * 1024 * 1024  # what an XLSX or ODS unpacks to
MAX_ROWS = 200_000  # lines of a CSV, rows of a sheet: twice the biggest district list
MAX_LINE = 100_000  # characters in one CSV line (bytes, as read)
MAX_SHEET_CELLS = 6_000_000  # rows × columns calamine holds for one sheet: 200,000 rows × 30 columns
MAX_NAME = 200  # characters in a person's full name (the store keeps up to 300)
MAX_TEXT = 200  # characters in a position or another short field
