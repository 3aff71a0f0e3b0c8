"""A lottery people can watch: the LEXIMIN distribution rounded to m numbered panels (000 to
999 for m = 1000), published with its SHA-256 before a number is drawn with dice, a drum or
the public seed. Procedure `minga-sortition-lottery-v1`.

Rounding (Flanigan, Kehne and Procaccia, "Fair Sortition Made Transparent", NeurIPS 2021):
Beck–Fiala iterative LP rounding, here over *type panels* (Minga's distribution gives how many
members of each type sit, `draw.Distribution`). Why this method rather than the paper's other
one, the integer program that minimizes the largest change: Beck–Fiala is a short, fixed
sequence of LPs, so anyone re-running it on the published inputs gets the same table byte for
byte, and it has a proven bound; the integer program is far slower (minutes on a 200-person
pool) and, stopped by a time limit, would give different tables on different machines.

1. Panel j of weight w_j gets a_j = floor(m w_j) copies, and y_j in [0, 1] more; the y start
   at the fractional parts f_j = m w_j - a_j.
2. The LP keeps the number of copies (sum y = sum f) and, per type t, its seats
   (sum_j c_jt y_j = sum_j c_jt f_j). Solved by simplex (a vertex), each y at 0 or 1 is
   fixed; a type's row is dropped once its free panels can move its seats by at most
   theta_t (k for a one-person type, n_t (k - 1) + 1 for a type of n_t people). Repeat until
   every y is fixed; then a_j += y_j.
3. A type's total seats S_t then lies within theta_t of m times its expected seats, and its
   members take the rows in turn (a cyclic pointer, started at a seeded offset), so each
   member sits on floor(S_t / n_t) or ceil(S_t / n_t) rows: no one's probability moves by
   more than k / m from LEXIMIN (the method's proven bound, checked and reported as
   `max_change`). Every row is a type panel of the distribution, so every row meets every
   quota and the household rule.

The table: UTF-8 CSV, "\\n" line ends, the header `number,member_1,...,member_k`, then one row
per panel, numbered from 0 with as many digits as m - 1 has (000 to 999), its ids sorted. The
table's SHA-256 is over those exact bytes.

The number: dice (one ten-sided die per digit, read as the number; roll again at m or more), a
drum, or the public seed, mapped by `number_from_seed`: the first uniform integer below m of
the stream SHA-256("minga-sortition-lottery-v1\\n" + table_sha256 + "\\n" + seed) (the stream
of `draw.RandomStream`). Binding the number to the table's hash means no one can choose the
table after seeing the seed.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from minga.sortition.engine.draw import Distribution, RandomStream

PROCEDURE = "minga-sortition-lottery-v1"
DEFAULT_PANELS = 1000
_EPS = 1e-9


class LotteryError(ValueError):
    """A table that cannot be read, or a number outside it."""


def beck_fiala(distribution: Distribution, m: int) -> list[int]:
    """How many of the m rows each type panel of the distribution gets."""
    from minga.sortition.engine.solver import INF, add_col, add_row, new_highs

    if m < 1:
        raise LotteryError("A lottery has at least one panel.")
    total = distribution.total_weight
    weights = [weight for _counts, weight in distribution.panels]
    counts = [counts for counts, _weight in distribution.panels]
    base = [(m * w) // total for w in weights]
    # Exact fractions as floats: m * w mod total is an integer below total.
    frac = [((m * w) % total) / total for w in weights]
    seats = distribution.seats
    sizes = [t.size for t in distribution.types]
    theta = [seats if n == 1 else n * (seats - 1) + 1 for n in sizes]
    free = {j for j, f in enumerate(frac) if f > 0}
    remaining = m - sum(base)
    if not free:
        return base
    highs = new_highs()
    highs.setOptionValue("presolve", "off")  # a vertex, so that variables reach 0 or 1
    highs.setOptionValue("solver", "simplex")
    for j in range(len(weights)):
        add_col(highs, 0.0, 0.0, 1.0 if j in free else 0.0, [], [])
    active = sorted(free)
    add_row(highs, remaining, remaining, active, [1.0] * len(active))
    for t in range(len(sizes)):
        on = [j for j in active if counts[j][t]]
        target = sum(counts[j][t] * frac[j] for j in on)
        add_row(highs, target, target, on, [float(counts[j][t]) for j in on])
    live = set(range(len(sizes)))
    y = list(frac)
    while free:
        highs.run()
        solution = highs.getSolution().col_value
        y = [float(v) for v in solution]
        fixed = [j for j in sorted(free) if y[j] < _EPS or y[j] > 1 - _EPS]
        for j in fixed:
            value = 0.0 if y[j] < _EPS else 1.0
            highs.changeColBounds(j, value, value)
            y[j] = value
            free.discard(j)
        dropped = []
        for t in sorted(live):
            on = [j for j in free if counts[j][t]]
            up = sum(counts[j][t] * (1 - y[j]) for j in on)
            down = sum(counts[j][t] * y[j] for j in on)
            if max(up, down) <= theta[t] + _EPS:
                highs.changeRowBounds(1 + t, -INF, INF)
                live.discard(t)
                dropped.append(t)
        if free and not fixed and not dropped:
            raise RuntimeError("Beck-Fiala rounding made no progress")  # proven impossible
    copies = [a + round(v) for a, v in zip(base, y, strict=True)]
    if sum(copies) != m:
        raise RuntimeError(f"rounding gave {sum(copies)} panels, not {m}")
    return copies


def assign_members(distribution: Distribution, copies: Sequence[int]) -> list[tuple[str, ...]]:
    """The rows: each type panel `copies[j]` times, in canonical order; each type's members
    take its seats in turn, from an offset drawn from the distribution's hash."""
    digest = distribution.sha256()
    pointers = [
        RandomStream(f"{PROCEDURE}\n{digest}\nassign\n{t}").below(person_type.size)
        for t, person_type in enumerate(distribution.types)
    ]
    rows: list[tuple[str, ...]] = []
    for (counts, _weight), n in zip(distribution.panels, copies, strict=True):
        for _ in range(n):
            ids: list[str] = []
            for t, c in enumerate(counts):
                members = distribution.types[t].members
                ids.extend(members[(pointers[t] + i) % len(members)] for i in range(c))
                pointers[t] += c
            rows.append(tuple(sorted(ids)))
    return rows


@dataclass(frozen=True)
class Lottery:
    rows: tuple[tuple[str, ...], ...]
    seats: int
    distribution_sha256: str
    leximin: dict[str, float]  # each person's probability in the distribution

    @property
    def panels(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return len(str(self.panels - 1))

    def label(self, number: int) -> str:
        return str(number).zfill(self.width)

    @cached_property
    def probabilities(self) -> dict[str, float]:
        """Each person's chance in the lottery: rows they sit on, over m (0 for the rest)."""
        seen = dict.fromkeys(self.leximin, 0)
        for row in self.rows:
            for person in row:
                seen[person] += 1
        return {person: count / self.panels for person, count in sorted(seen.items())}

    @property
    def max_change(self) -> float:
        return max(
            (abs(self.probabilities[p] - self.leximin[p]) for p in self.leximin), default=0.0
        )

    @property
    def bound(self) -> float:
        """The method's guarantee: nobody's probability moves by more than k / m."""
        return self.seats / self.panels

    def csv_bytes(self) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["number", *(f"member_{i}" for i in range(1, self.seats + 1))])
        for number, row in enumerate(self.rows):
            writer.writerow([self.label(number), *row])
        return out.getvalue().encode()

    def sha256(self) -> str:
        return hashlib.sha256(self.csv_bytes()).hexdigest()


def round_distribution(distribution: Distribution, panels: int = DEFAULT_PANELS) -> Lottery:
    copies = beck_fiala(distribution, panels)
    return Lottery(
        rows=tuple(assign_members(distribution, copies)),
        seats=distribution.seats,
        distribution_sha256=distribution.sha256(),
        leximin=distribution.probabilities(),
    )


def read_table(data: bytes) -> list[tuple[str, tuple[str, ...]]]:
    """(number as written, sorted ids) for each row of a published table."""
    try:
        text = data.decode()
    except UnicodeDecodeError as exc:
        raise LotteryError("The table is not UTF-8 text.") from exc
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header or header[0] != "number":
        raise LotteryError("The table's first column must be `number`.")
    return [(row[0], tuple(sorted(row[1:]))) for row in reader if row]


def row_of(table: list[tuple[str, tuple[str, ...]]], number: str) -> tuple[str, ...]:
    """The panel numbered `number` ("7", "007" and "0007" name the same row)."""
    if not number.strip().isdigit() or not number.strip().isascii():
        raise LotteryError(f"{number!r} is not a row number.")
    wanted = int(number)
    if not 0 <= wanted < len(table):
        raise LotteryError(f"The table numbers its panels 0 to {len(table) - 1}, not {wanted}.")
    label, ids = table[wanted]
    if int(label) != wanted:
        raise LotteryError(f"Row {wanted} of the table is numbered {label}.")
    return ids


def number_from_seed(table_sha256: str, seed: str, panels: int) -> int:
    """The public seed's number for a table (see the module's description)."""
    return RandomStream(f"{PROCEDURE}\n{table_sha256}\n{seed}").below(panels)
