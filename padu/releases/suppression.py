"""Small-cell suppression for public tables.

Primary: a non-zero count below the threshold is hidden (a handful of families in an RT
can be recognised by their neighbours). Secondary: a table's totals let a reader subtract
the published cells of a line from its total; so every line (a row with its total, a
column with its total, a parent area with its children) must hide either none of its
cells or at least two. Where a line hides exactly one, the smallest other cell of that
line is hidden too, and so on until no line gives one away (the usual heuristic of
statistical offices; a full audit solves a linear program, which these tables do not need
because every line keeps at least two hidden cells).
"""

from collections.abc import Hashable, Iterable, Mapping

Cell = Hashable


def suppress(
    values: Mapping[Cell, int], lines: Iterable[Iterable[Cell]], *, threshold: int = 10
) -> set[Cell]:
    """The cells to hide. ``lines``: groups of cells that add up (each group includes its
    total cell), so that one hidden cell in a group could be recovered from the rest."""
    lines = [list(line) for line in lines]
    hidden = {cell for cell, value in values.items() if 0 < value < threshold}
    lines_of: dict[Cell, list[int]] = {}
    for index, line in enumerate(lines):
        for cell in line:
            lines_of.setdefault(cell, []).append(index)
    pending = set(range(len(lines)))
    while pending:
        index = pending.pop()
        line = lines[index]
        inside = [cell for cell in line if cell in hidden]
        if len(inside) != 1:
            continue
        others = [cell for cell in line if cell not in hidden]
        if not others:
            continue
        # The smallest other cell costs the least information. A non-zero one is
        # preferred: that an RT has no poor family is often known, and a hidden cell a
        # reader knows to be zero protects nothing.
        partner = min(others, key=lambda cell: (values.get(cell, 0) == 0, values.get(cell, 0)))
        hidden.add(partner)
        pending.update(lines_of.get(partner, ()))
        pending.update(lines_of.get(inside[0], ()))
    return hidden


def table_lines(rows: list[Cell], columns: list[Cell], *, total: Cell = "total"):
    """The lines of a two-way table with margins: cells are ``(row, column)`` pairs, the
    row totals ``(row, total)``, column totals ``(total, column)``, the grand total
    ``(total, total)``."""
    for row in [*rows, total]:
        yield [(row, column) for column in [*columns, total]]
    for column in [*columns, total]:
        yield [(row, column) for row in [*rows, total]]
