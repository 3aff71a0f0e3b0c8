"""The sortition problem: a pool, quotas per feature value, a number of seats, optional groups.

Pure module (no Django). People with the same feature values and no group conflict are
interchangeable, so the solvers work with *types*: a feature profile and its members.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


def gettext_noop(message: str) -> str:
    """Marks a message for translation without Django: `makemessages` collects it, and the
    platform and the command translate it (`SortitionInputError.template`)."""
    return message


class SortitionInputError(ValueError):
    """The pool, the quotas or the number of seats are malformed (not merely infeasible).

    Built from a marked `template` and its `params`, the error reads in English as a string and
    can be translated where Django is: `gettext(error.template) % error.params`. Without
    params, the message is plain English text."""

    def __init__(self, template: str, params: Mapping[str, object] | None = None) -> None:
        self.template = template
        self.params: dict[str, object] | None = dict(params) if params is not None else None
        super().__init__(template % self.params if self.params is not None else template)


@dataclass(frozen=True)
class Quota:
    min: int
    max: int


@dataclass(frozen=True)
class Person:
    id: str
    features: Mapping[str, str]
    group: str | None = None


@dataclass(frozen=True)
class Instance:
    """A sortition problem; `quotas[feature][value]` bounds the panel members with that value."""

    people: tuple[Person, ...]
    quotas: Mapping[str, Mapping[str, Quota]]
    seats: int

    def __post_init__(self) -> None:
        if self.seats < 1:
            raise SortitionInputError(f"seats: must be at least 1, got {self.seats}")
        seen: set[str] = set()
        for person in self.people:
            if person.id in seen:
                raise SortitionInputError(f"id: {person.id!r} appears more than once")
            seen.add(person.id)
            for feature, values in self.quotas.items():
                value = person.features.get(feature)
                if value is None:
                    raise SortitionInputError(f"person {person.id!r}: no value for {feature!r}")
                if value not in values:
                    raise SortitionInputError(
                        f"person {person.id!r}: {feature}={value!r} has no quota "
                        f"(known values: {', '.join(sorted(values))})"
                    )
        for feature, values in self.quotas.items():
            for value, quota in values.items():
                if quota.min < 0 or quota.max < quota.min:
                    raise SortitionInputError(
                        f"quota {feature}={value}: need 0 <= min <= max, got "
                        f"min={quota.min} max={quota.max}"
                    )

    @property
    def features(self) -> list[str]:
        return sorted(self.quotas)

    def profile(self, person: Person) -> tuple[str, ...]:
        return tuple(person.features[f] for f in self.features)


@dataclass(frozen=True)
class PersonType:
    """Interchangeable people: same feature values, none sharing a group with anyone else."""

    profile: tuple[str, ...]
    members: tuple[str, ...]  # sorted ids
    group: str | None = None  # set only for a one-person type whose group has several members

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass
class TypedInstance:
    instance: Instance
    types: list[PersonType]
    groups: dict[str, list[int]] = field(default_factory=dict)  # group -> type indices (size >= 2)


def build_types(instance: Instance) -> TypedInstance:
    """Group people into types, in a canonical order (independent of input order and hashing)."""
    group_size: dict[str, int] = {}
    for person in instance.people:
        if person.group is not None:
            group_size[person.group] = group_size.get(person.group, 0) + 1
    by_profile: dict[tuple[str, ...], list[str]] = {}
    singles: list[PersonType] = []
    for person in instance.people:
        profile = instance.profile(person)
        if person.group is not None and group_size[person.group] > 1:
            singles.append(PersonType(profile, (person.id,), person.group))
        else:
            by_profile.setdefault(profile, []).append(person.id)
    types = [PersonType(p, tuple(sorted(ids))) for p, ids in by_profile.items()]
    types.extend(singles)
    types.sort(key=lambda t: (t.profile, t.members))
    groups: dict[str, list[int]] = {}
    for index, person_type in enumerate(types):
        if person_type.group is not None:
            groups.setdefault(person_type.group, []).append(index)
    return TypedInstance(instance, types, dict(sorted(groups.items())))


def panel_violations(instance: Instance, panel: Sequence[str]) -> list[str]:
    """Every rule the panel breaks (size, quotas, duplicates, groups); empty when it is valid."""
    problems: list[str] = []
    people = {p.id: p for p in instance.people}
    if len(set(panel)) != len(panel):
        problems.append("someone appears twice")
    unknown = [pid for pid in panel if pid not in people]
    if unknown:
        problems.append(f"not in the pool: {', '.join(unknown)}")
        return problems
    if len(panel) != instance.seats:
        problems.append(f"{len(panel)} members instead of {instance.seats}")
    for feature, values in instance.quotas.items():
        for value, quota in values.items():
            count = sum(1 for pid in panel if people[pid].features[feature] == value)
            if not quota.min <= count <= quota.max:
                problems.append(f"{feature}={value}: {count} not in [{quota.min}, {quota.max}]")
    groups: dict[str, int] = {}
    for pid in panel:
        group = people[pid].group
        if group is not None:
            groups[group] = groups.get(group, 0) + 1
    problems.extend(f"group {g}: {n} members" for g, n in sorted(groups.items()) if n > 1)
    return problems
