"""Case-insensitive text matching that behaves the same on every database.

SQLite folds only ASCII letters and PostgreSQL's lower() depends on the
server's locale, so neither can compare "STRASSE" with "Straße". Every text
column that can be searched therefore has a companion column holding its
Unicode case fold, written by Python whenever the record is saved; a
contains-filter folds the term the same way and matches the companion with a
plain substring test, which PostgreSQL serves from a trigram index.
"""

from django.db.models import CharField, Lookup, TextField
from django.db.models.lookups import Contains

SEARCH_SUFFIX = "_search"


def fold(value):
    """Return the full Unicode case fold of a text, or "" for None."""
    return value.casefold() if value else ""


def search_column(column):
    """Name the companion column that holds the fold of a text column."""
    return column + SEARCH_SUFFIX


class FoldedContains(Lookup):
    """`<column>__folded_contains=term`: the term occurs in the column.

    Both sides are already case-folded. PostgreSQL takes `LIKE '%term%'`
    with `%`, `_` and `\\` escaped, which a trigram index serves; SQLite
    takes `instr()`, which reads the term literally and, unlike LIKE, has
    no limit on the length of the term.
    """

    lookup_name = "folded_contains"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"instr({lhs}, {rhs}) > 0", [*lhs_params, *rhs_params]

    def as_postgresql(self, compiler, connection):
        return Contains(self.lhs, self.rhs).as_sql(compiler, connection)


CharField.register_lookup(FoldedContains)
TextField.register_lookup(FoldedContains)
