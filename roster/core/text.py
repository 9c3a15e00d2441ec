"""Case-insensitive text matching that behaves the same on every database.

SQLite folds only ASCII letters and PostgreSQL's lower() depends on the
server's locale, so neither can compare "STRASSE" with "Straße". Every text
column that can be searched therefore has a companion column holding its
Unicode case fold, written by Python whenever the record is saved; a
contains-filter folds the term the same way and matches the companion with a
plain LIKE, which PostgreSQL serves from a trigram index.
"""

SEARCH_SUFFIX = "_search"


def fold(value):
    """Return the full Unicode case fold of a text, or "" for None."""
    return value.casefold() if value else ""


def search_column(column):
    """Name the companion column that holds the fold of a text column."""
    return column + SEARCH_SUFFIX
