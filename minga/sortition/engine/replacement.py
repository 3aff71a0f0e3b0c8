"""Replacing drawn members who decline, by a documented deterministic procedure.

Procedure `minga-sortition-replacement-v1`. When the member D declines in round r
(1 for the first decline of the draw, 2 for the next, ...), everyone else already on the
panel keeps their seat (the "kept" members), and nobody who declined in any round can be
drawn again. With the public seed S and the published distribution's SHA-256 H:

1. The random stream is `draw.RandomStream` of the text
   "minga-sortition-replacement-v1\\n" + H + "\\n" + S + "\\n" + r + "\\n" + D.
2. Compatible type panels: the panels of the published distribution, in canonical order,
   that contain the kept members' type counts and differ from them by one seat of a type
   t that still has a member who is neither kept nor declined. Each keeps its weight.
   (The panel first drawn is compatible whenever D's type has someone left, so this step
   normally finds candidates.) Draw one by weight: r' = uniform below the total weight,
   the first panel whose running total exceeds r'. The replacement is uniform among the
   eligible members of its extra type t, sorted by id.
3. If no panel is compatible (or the draw has no explicit distribution, as with the legacy
   method), the replacement is uniform, in id order, among everyone not kept and not
   declined whose addition gives a panel meeting every quota and the grouping rule.
4. If nobody qualifies, the seat stays empty.

When the draw has alternates (chosen with the panel, `alternates.py`), they come first: the
seat goes to the first alternate, in their published order, not yet seated or declined, who
shares no household with the kept members, misses no quota the kept members meet, and leaves
the fewest seats outside the quotas (`alternates.replacement_from`); steps 1 to 4 run only
when no alternate qualifies.

Every panel of the distribution meets the quotas, so in step 2 the new panel does too;
step 3 checks them directly. Given the seed, the published distribution and the list of
declines in order, anyone can recompute the final panel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from minga.sortition.engine.draw import Distribution, RandomStream
from minga.sortition.engine.model import Instance, PersonType, panel_violations

PROCEDURE = "minga-sortition-replacement-v1"


@dataclass(frozen=True)
class Replacement:
    member_id: str | None  # None: nobody can take the seat
    method: str  # "alternate", "distribution", "quotas" or "none"


def replace(
    *,
    instance: Instance,
    distribution: Distribution | None,
    distribution_sha256: str,
    seed: str,
    round: int,
    declined: str,
    kept: Sequence[str],
    excluded: Sequence[str],
) -> Replacement:
    """The replacement for `declined` in this round; `excluded` lists every decliner so far
    (including `declined`), `kept` the rest of the current panel."""
    stream = RandomStream(f"{PROCEDURE}\n{distribution_sha256}\n{seed}\n{round}\n{declined}")
    kept_set, excluded_set = set(kept), set(excluded) | {declined}
    if distribution is not None:
        chosen = _from_distribution(distribution, stream, kept_set, excluded_set)
        if chosen is not None:
            return Replacement(chosen, "distribution")
    candidates = [
        person.id
        for person in sorted(instance.people, key=lambda p: p.id)
        if person.id not in kept_set
        and person.id not in excluded_set
        and not panel_violations(instance, sorted([*kept_set, person.id]))
    ]
    if not candidates:
        return Replacement(None, "none")
    return Replacement(candidates[stream.below(len(candidates))], "quotas")


def decline_round(
    *,
    instance: Instance,
    distribution: Distribution | None,
    distribution_sha256: str,
    seed: str,
    current: Sequence[str],
    earlier: Sequence[str],
    declined: str,
    alternates: Sequence[str] = (),
) -> tuple[Replacement, list[str]]:
    """Round len(earlier) + 1: `declined` leaves the `current` panel, everyone else keeps their
    seat and the replacement (if any) joins. Returns the replacement and the new panel, sorted.
    The platform records declines with this, and `replay` recomputes them with it.

    With `alternates` (chosen with the panel, `alternates.py`), the seat first goes to the
    first of those not yet seated or declined whose seat keeps the quotas best
    (`alternates.replacement_from`); the procedure above runs only when none fits."""
    kept = [m for m in current if m != declined]
    if alternates:
        from minga.sortition.engine.alternates import replacement_from

        gone = {*current, *earlier, declined}
        chosen = replacement_from(instance, kept, [a for a in alternates if a not in gone])
        if chosen is not None:
            return Replacement(chosen, "alternate"), sorted([*kept, chosen])
    found = replace(
        instance=instance,
        distribution=distribution,
        distribution_sha256=distribution_sha256,
        seed=seed,
        round=len(earlier) + 1,
        declined=declined,
        kept=kept,
        excluded=[*earlier, declined],
    )
    return found, sorted([*kept, *([found.member_id] if found.member_id else [])])


def replay(
    *,
    instance: Instance,
    distribution: Distribution | None,
    distribution_sha256: str,
    seed: str,
    panel: Sequence[str],
    declined: Sequence[str],
    alternates: Sequence[str] = (),
) -> list[str]:
    """The panel after the declines, in the order given (rounds 1, 2, ...): what anyone can
    recompute from the published draw. Raises ValueError when someone declines who is not on
    the panel at that point."""
    current = sorted(panel)
    for round_, member_id in enumerate(declined, start=1):
        if member_id not in current:
            raise ValueError(f"decline {round_}: {member_id!r} is not on the panel at that point")
        _found, current = decline_round(
            instance=instance,
            distribution=distribution,
            distribution_sha256=distribution_sha256,
            seed=seed,
            current=current,
            earlier=declined[: round_ - 1],
            declined=member_id,
            alternates=alternates,
        )
    return current


def _from_distribution(
    distribution: Distribution, stream: RandomStream, kept: set[str], excluded: set[str]
) -> str | None:
    types = distribution.types
    kept_counts = [sum(1 for m in t.members if m in kept) for t in types]
    eligible = [[m for m in t.members if m not in kept and m not in excluded] for t in types]
    compatible: list[tuple[int, int]] = []  # (extra type, weight)
    for counts, weight in distribution.panels:
        extra = [t for t, (c, k) in enumerate(zip(counts, kept_counts, strict=True)) if c != k]
        if len(extra) != 1:
            continue
        t = extra[0]
        if counts[t] == kept_counts[t] + 1 and eligible[t]:
            compatible.append((t, weight))
    if not compatible:
        return None
    r = stream.below(sum(weight for _t, weight in compatible))
    running = 0
    for t, weight in compatible:
        running += weight
        if r < running:
            members = eligible[t]
            return members[stream.below(len(members))]
    raise AssertionError("unreachable")


def distribution_from_json(data: dict[str, object]) -> Distribution:
    """Rebuild a published distribution from its `as_json()` form (hash unchanged)."""
    types = data["types"]
    panels = data["panels"]
    assert isinstance(types, list) and isinstance(panels, list)
    features = data["features"]
    assert isinstance(features, list)
    seats = data["seats"]
    assert isinstance(seats, int)
    return Distribution(
        algorithm=str(data["algorithm"]),
        seats=seats,
        features=tuple(str(f) for f in features),
        types=tuple(
            PersonType(tuple(t["profile"]), tuple(t["members"]), t.get("group")) for t in types
        ),
        panels=tuple((tuple(p["counts"]), int(p["weight"])) for p in panels),
    )
