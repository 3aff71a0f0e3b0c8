"""A distribution over panels, its canonical form and hash, and the seeded, checkable draw.

A distribution lists *type panels*: how many members of each type (people with the same
features) sit on the panel, with a weight. Given the type panel, the members of each type are
chosen uniformly at random, so every person of a type has the same probability; each concrete
panel therefore meets the quotas and the group rule exactly when its type panel does.

Canonical form: types sorted by (feature values, member ids), members sorted by id, type panels
sorted by their counts, weights as integers in units of 1e-12 (rounded once, when the
distribution is built). `canonical_json()` is UTF-8 JSON with sorted keys and no spaces; its
SHA-256 is the distribution's public fingerprint. Nothing depends on dict or set order or on
PYTHONHASHSEED.

The draw (procedure `minga-sortition-draw-v1`), given the public seed (any text):
1. key = SHA-256("minga-sortition-draw-v1\\n" + distribution_sha256 + "\\n" + seed).
2. The random stream is the blocks SHA-256(key + i as 8 big-endian bytes), i = 0, 1, 2, ...,
   each read as a 256-bit big-endian integer.
3. A uniform integer below m takes the next block b, rejects it if b >= 2^256 - (2^256 mod m),
   and returns b mod m.
4. r = uniform integer below the total weight; the type panel is the first one, in canonical
   order, whose running total of weights exceeds r.
5. For each type in canonical order with c > 0 seats, a partial Fisher-Yates shuffle of its
   sorted members: for i = 0..c-1, swap position i with i + uniform(n - i); take the first c.
6. The panel is the chosen ids, sorted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from minga.sortition.engine.model import Instance, PersonType

WEIGHT_UNIT = 10**12
PROCEDURE = "minga-sortition-draw-v1"


def canonical_dumps(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Distribution:
    algorithm: str
    seats: int
    features: tuple[str, ...]
    types: tuple[PersonType, ...]
    panels: tuple[tuple[tuple[int, ...], int], ...]  # (counts per type, weight in 1e-12)

    @classmethod
    def build(
        cls,
        *,
        algorithm: str,
        instance: Instance,
        types: Sequence[PersonType],
        panels: Sequence[tuple[tuple[int, ...], float]],
    ) -> Distribution:
        order = sorted(range(len(types)), key=lambda i: (types[i].profile, types[i].members))
        total = sum(weight for _, weight in panels if weight > 0)
        merged: dict[tuple[int, ...], int] = {}
        for counts, weight in panels:
            units = round(max(weight, 0.0) / total * WEIGHT_UNIT)
            if units > 0:
                key = tuple(counts[i] for i in order)
                merged[key] = merged.get(key, 0) + units
        return cls(
            algorithm=algorithm,
            seats=instance.seats,
            features=tuple(instance.features),
            types=tuple(types[i] for i in order),
            panels=tuple(sorted(merged.items())),
        )

    @property
    def total_weight(self) -> int:
        return sum(weight for _, weight in self.panels)

    def probabilities(self) -> dict[str, float]:
        """Each person's selection probability (they sum to the number of seats)."""
        total = self.total_weight
        expected = [0] * len(self.types)
        for counts, weight in self.panels:
            for t, c in enumerate(counts):
                if c:
                    expected[t] += c * weight
        result: dict[str, float] = {}
        for t, person_type in enumerate(self.types):
            share = expected[t] / total / person_type.size
            for member in person_type.members:
                result[member] = share
        return dict(sorted(result.items()))

    def as_json(self) -> dict[str, Any]:
        return {
            "procedure": PROCEDURE,
            "algorithm": self.algorithm,
            "seats": self.seats,
            "features": list(self.features),
            "types": [
                {"profile": list(t.profile), "members": list(t.members), "group": t.group}
                for t in self.types
            ],
            "panels": [{"counts": list(c), "weight": w} for c, w in self.panels],
        }

    def canonical_json(self) -> bytes:
        return canonical_dumps(self.as_json())

    def sha256(self) -> str:
        return self._sha256

    @cached_property
    def _sha256(self) -> str:
        return hashlib.sha256(self.canonical_json()).hexdigest()

    def draw(self, seed: str) -> list[str]:
        """The panel that procedure minga-sortition-draw-v1 draws for this seed."""
        stream = RandomStream(f"{PROCEDURE}\n{self.sha256()}\n{seed}")
        r = stream.below(self.total_weight)
        running = 0
        chosen_index = len(self.panels) - 1
        for index, (_counts, weight) in enumerate(self.panels):
            running += weight
            if r < running:
                chosen_index = index
                break
        counts = self.panels[chosen_index][0]
        chosen: list[str] = []
        for person_type, c in zip(self.types, counts, strict=True):
            members = list(person_type.members)
            for i in range(c):
                j = i + stream.below(len(members) - i)
                members[i], members[j] = members[j], members[i]
            chosen.extend(members[:c])
        return sorted(chosen)


class RandomStream:
    """Uniform integers from SHA-256 in counter mode: the same text gives the same stream."""

    def __init__(self, text: str) -> None:
        self.key = hashlib.sha256(text.encode()).digest()
        self.counter = 0

    def blocks(self) -> Iterator[int]:
        while True:
            block = hashlib.sha256(self.key + self.counter.to_bytes(8, "big")).digest()
            self.counter += 1
            yield int.from_bytes(block, "big")

    def below(self, bound: int) -> int:
        if bound < 1:
            raise ValueError("bound must be positive")
        limit = 2**256 - (2**256 % bound)
        for block in self.blocks():
            if block < limit:
                return block % bound
        raise AssertionError("unreachable")

    def random(self) -> float:
        """A float in [0, 1) with 53 random bits."""
        return self.below(2**53) / 2**53


def input_sha256(instance: Instance, algorithm: str, **extra: Any) -> str:
    """Fingerprint of a problem (pool, quotas, seats), for methods with no explicit distribution."""
    data = {
        "procedure": PROCEDURE,
        "algorithm": algorithm,
        "seats": instance.seats,
        "quotas": {
            f: {v: [q.min, q.max] for v, q in values.items()}
            for f, values in instance.quotas.items()
        },
        "people": sorted(
            [p.id, [p.features[f] for f in instance.features], p.group] for p in instance.people
        ),
        **extra,
    }
    return hashlib.sha256(canonical_dumps(data)).hexdigest()
