"""A draw by lot on the platform: its pool, quotas, published distribution, seed, panel,
and the declines with their replacements."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minga.core.models import Network
from minga.governance.models import MemberKind
from minga.sortition.engine.model import Instance, Person, Quota
from minga.sortition.engine.service import LOTTERY_ALGORITHMS


class DrawState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMPUTING = "computing", _("Computing")
    COMPUTED = "computed", _("Computed, not yet published")
    PUBLISHED = "published", _("Published")
    SEED_FIXED = "seed_fixed", _("Seed fixed")
    DRAWN = "drawn", _("Drawn")
    SEATED = "seated", _("Seated")


# States in which the pool, the quotas and the distribution are public to the network.
PUBLIC_STATES = (DrawState.PUBLISHED, DrawState.SEED_FIXED, DrawState.DRAWN, DrawState.SEATED)


class PoolSource(models.TextChoices):
    DIRECTORY = "directory", _("Member directory")
    CSV = "csv", _("Uploaded CSV")


class Algorithm(models.TextChoices):
    LEXIMIN = "leximin", _("LEXIMIN (fairest)")
    GOLDILOCKS = "goldilocks", _("Goldilocks (robust to misreported features)")
    LEGACY = "legacy", _("Legacy greedy draw")


# The algorithms that compute an explicit distribution over panels (published, and rounded
# by a lottery), as the engine lists them; the legacy draw only simulates its probabilities.
DISTRIBUTION_ALGORITHMS = tuple(Algorithm(name) for name in LOTTERY_ALGORITHMS)


NUMBER_SOURCES = [
    ("physical", _("Dice or a drum")),
    ("seed", _("The public seed")),
]


class Draw(models.Model):
    """A draw by lot for a body's seats or a panel.

    `pool` is the snapshot the probabilities are computed from: a list of
    `{"id", "label", "features": {feature: value}, "group"}` sorted by id. It cannot
    change once the draw leaves the draft state, so what is published is what is drawn.
    """

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="draws")
    circle = models.ForeignKey(
        "governance.Circle",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="draws",
        verbose_name=_("body to fill"),
    )
    title = models.CharField(_("title"), max_length=200)
    seats = models.PositiveIntegerField(_("seats"))
    pool_kind = models.CharField(
        _("pool of"), max_length=16, choices=MemberKind.choices, default=MemberKind.PEOPLE
    )
    source = models.CharField(
        _("pool from"), max_length=12, choices=PoolSource.choices, default=PoolSource.DIRECTORY
    )
    pool = models.JSONField(default=list)
    # How many the pool holds, kept beside it (the pool never changes once created), so a
    # list of draws shows it without loading the pool.
    pool_size = models.PositiveIntegerField(default=0)
    features = models.JSONField(default=list)
    # A column of the pool, or several comma-separated (a household's address columns).
    group_by = models.CharField(_("at most one per"), max_length=255, blank=True)
    # For a pool from a people.csv, what was kept of the file and what was dropped before
    # anything was stored: {"dropped": [column names], "household": [the columns whose
    # values were hashed into the household key]}.
    upload_columns = models.JSONField(default=dict, blank=True)
    # For a pool from a people.csv: the column its ids came from; empty when the file had no
    # id column and its people were numbered 0, 1, 2, ... in file order.
    id_column = models.CharField(_("id column"), max_length=255, blank=True)
    algorithm = models.CharField(
        _("algorithm"), max_length=10, choices=Algorithm.choices, default=Algorithm.LEXIMIN
    )
    state = models.CharField(
        _("state"), max_length=12, choices=DrawState.choices, default=DrawState.DRAFT
    )
    # The last computation's failure: an infeasibility diagnosis or an error message.
    diagnosis = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    computing_since = models.DateTimeField(null=True, blank=True)
    # The result of the computation, frozen at publication.
    distribution = models.JSONField(null=True, blank=True)
    distribution_sha256 = models.CharField(max_length=64, blank=True)
    probabilities = models.JSONField(default=dict, blank=True)
    min_probability = models.FloatField(null=True, blank=True)
    legacy_probabilities = models.JSONField(default=dict, blank=True)
    legacy_min_probability = models.FloatField(null=True, blank=True)
    support = models.PositiveIntegerField(null=True, blank=True)
    # LEXIMIN's and Goldilocks' lowest and highest probabilities, each over its best possible
    # value, and Gini coefficients (`engine.goldilocks.comparison`), whichever was chosen.
    fairness = models.JSONField(default=dict, blank=True)
    # How many panels meet the quotas (`engine.counting`): {"exact": int | None,
    # "lower_bound": int | None, "max_states": int}; counting stops past max_states.
    panel_count = models.JSONField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    seed = models.CharField(_("public seed"), max_length=200, blank=True)
    seed_note = models.CharField(_("where the seed comes from"), max_length=300, blank=True)
    seed_fixed_at = models.DateTimeField(null=True, blank=True)
    # A lottery of numbered panels (the distribution rounded, `engine/lottery.py`), published
    # with the distribution; its number comes from dice or a drum, or from the seed.
    lottery_panels = models.PositiveIntegerField(null=True, blank=True)
    lottery_table = models.TextField(blank=True)
    lottery_sha256 = models.CharField(max_length=64, blank=True)
    lottery_max_change = models.FloatField(null=True, blank=True)
    lottery_probabilities = models.JSONField(default=dict, blank=True)
    number = models.PositiveIntegerField(null=True, blank=True)
    number_from = models.CharField(max_length=12, choices=NUMBER_SOURCES, blank=True)
    # Alternates chosen with the panel (`engine.alternates`), in the order they are called;
    # everyone's chance of ending up seated, given this panel and these alternates; the
    # expected shortfall they leave; and the stay model used: {"base", "factors",
    # "history"} (how many past drawn members it was fitted on; 0: everyone alike).
    alternates = models.JSONField(default=list, blank=True)
    seated_chances = models.JSONField(default=dict, blank=True)
    # Everyone's chance of ending up seated before the draw, with as many alternates
    # (`engine.alternates.seated_before_draw`): estimated in the background once they are
    # chosen; empty until then, and for the legacy draw, which has no distribution.
    seated_before_draw = models.JSONField(default=dict, blank=True)
    alternates_shortfall = models.FloatField(null=True, blank=True)
    alternates_optimal = models.BooleanField(default=False)
    stay_model = models.JSONField(default=dict, blank=True)
    # The panel the seed drew, and the panel after declines and replacements.
    panel = models.JSONField(default=list, blank=True)
    current_panel = models.JSONField(default=list, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)
    seated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("draw by lot")
        verbose_name_plural = _("draws by lot")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("draw_detail", args=[self.network.slug, self.pk])

    @property
    def number_label(self) -> str:
        """The number drawn as the table writes it (007 among 1,000 panels); "" before."""
        if not self.lottery_panels or self.number is None:
            return ""
        return str(self.number).zfill(len(str(self.lottery_panels - 1)))

    @property
    def drawn_chances(self) -> dict[str, float]:
        """Everyone's chance of being drawn as the panel was actually drawn: from the table of
        numbered panels when a number chose the row, else from the distribution."""
        chances: dict[str, float] = (
            self.lottery_probabilities if self.number_label else self.probabilities
        )
        return chances

    @property
    def replacement_seed(self) -> str:
        """What seeds the replacement of declines: the public seed, or, for a number drawn
        with dice or a drum, that number (so replacements depend on the live draw too)."""
        if self.seed or self.number is None:
            return self.seed
        return f"lottery-number-{self.number}"

    @property
    def is_public(self) -> bool:
        return self.state in PUBLIC_STATES

    def quota_map(self) -> dict[str, dict[str, Quota]]:
        result: dict[str, dict[str, Quota]] = {}
        for quota in self.quotas.all():
            result.setdefault(quota.feature, {})[quota.value] = Quota(quota.min, quota.max)
        return result

    def instance(self, quotas: dict[str, dict[str, Quota]] | None = None) -> Instance:
        """The pure problem (raises SortitionInputError when the pool and quotas disagree)."""
        quotas = self.quota_map() if quotas is None else quotas
        people = tuple(
            Person(
                row["id"],
                {f: row["features"][f] for f in quotas if f in row["features"]},
                row.get("group") or None,
            )
            for row in self.pool
        )
        return Instance(people, quotas, self.seats)

    def feature_values(self) -> dict[str, list[str]]:
        """Each feature of the pool with its values, sorted."""
        values: dict[str, set[str]] = {feature: set() for feature in self.features}
        for row in self.pool:
            for feature in self.features:
                values[feature].add(row["features"][feature])
        return {feature: sorted(found) for feature, found in values.items()}

    def labels(self) -> dict[str, str]:
        return {row["id"]: row.get("label") or row["id"] for row in self.pool}

    def pool_row(self, member_id: str) -> dict[str, Any] | None:
        return next((row for row in self.pool if row["id"] == member_id), None)

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return round(100 * self.progress_done / self.progress_total)


class DrawQuota(models.Model):
    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="quotas")
    feature = models.CharField(_("feature"), max_length=60)
    value = models.CharField(_("value"), max_length=120)
    min = models.PositiveIntegerField(_("min"))
    max = models.PositiveIntegerField(_("max"))

    class Meta:
        ordering = ["feature", "value"]
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [
            models.UniqueConstraint(
                fields=["draw", "feature", "value"], name="one_quota_per_draw_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.feature}={self.value}: {self.min}-{self.max}"


class Decline(models.Model):
    """A drawn member who declined the seat, and who replaced them (by `engine/replacement.py`)."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="declines")
    round = models.PositiveIntegerField()
    member_id = models.CharField(max_length=120)
    replacement_id = models.CharField(max_length=120, blank=True)
    method = models.CharField(max_length=20, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["draw", "round"]
        verbose_name = _("decline")
        verbose_name_plural = _("declines")
        constraints = [
            models.UniqueConstraint(fields=["draw", "round"], name="one_decline_per_round"),
            models.UniqueConstraint(fields=["draw", "member_id"], name="one_decline_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} -> {self.replacement_id or '-'}"
