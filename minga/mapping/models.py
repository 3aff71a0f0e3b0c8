"""Mapping surveys: a questionnaire (XLSForm) and the responses imported into it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from minga.core.models import Network, Organization
from minga.mapping.stats import Tally
from minga.mapping.xlsform import Form


class Survey(models.Model):
    """A survey of the ecosystem's organizations; `form` is the parsed XLSForm and `tally`
    the select questions' counts, kept up to date by each import (counts are additive)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="surveys")
    name = models.SlugField(_("name"), max_length=80)
    title = models.CharField(_("title"), max_length=200, blank=True)
    form = models.JSONField(default=dict)
    tally = models.JSONField(default=dict)
    # What lists show without loading `form` and `tally`: the form's titles
    # (`{"title", "titles"}`) and how many responded, kept by each import.
    titles = models.JSONField(default=dict)
    respondents = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "name"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="survey_name_per_network")
        ]

    def __str__(self) -> str:
        return self.title_in(get_language() or "es")

    def get_absolute_url(self) -> str:
        return reverse("mapping_report", args=[self.network.slug, self.name])

    def title_in(self, language: str) -> str:
        """The title in the reader's language: the form's `form_title::LANGUAGE` where the
        survey kept the form's title, else the title given at import, else its name."""
        form: Form | None
        if "form" in self.get_deferred_fields():
            # A list's survey: the form's titles as the import kept them.
            form = Form(
                title=self.titles.get("title", ""),
                languages=[],
                questions=[],
                choices={},
                titles=self.titles.get("titles", {}),
            )
        else:
            form = self.parsed_form() if self.form else None
        if form is not None and (not self.title or self.title in form.all_titles()):
            return form.title_in(language) or self.title or self.name
        return self.title or self.name

    def parsed_form(self) -> Form:
        cached: Form | None = self.__dict__.get("_form")
        if cached is None:
            cached = Form.from_json(self.form)
            self.__dict__["_form"] = cached
        return cached

    def counts(self) -> Tally:
        return Tally.from_json(self.tally)


class Response(models.Model):
    """One submission. `key` is Kobo's `_uuid` (ODK Central's KEY), or a hash of the answers
    where there is none, so re-importing the same submissions adds nothing. `answers` maps
    question names to values; a repeat's instances are a list of such dicts under the
    repeat's name (nested repeats inside their parents' instances), read by
    `stats.units`/`stats.values`."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    key = models.CharField(max_length=100)
    answers = models.JSONField(default=dict)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(fields=["survey", "key"], name="response_key_per_survey")
        ]
        # The report counts the organizations its responses are linked to on this index,
        # without reading the responses' documents.
        indexes = [models.Index(fields=["survey", "organization"], name="response_organization")]

    def __str__(self) -> str:
        return f"{self.survey}: {self.key}"


class QuestionSummary(models.Model):
    """A question's answers summarized at import (`stats.Summary.to_json`: counts, the
    distribution's bins, the top grouped texts), for questions that are neither selects nor
    notes; `points` (a geopoint's, at most `stats.MAX_POINTS`) apart, loaded by its chart
    only. Each import recomputes its survey's summaries, in the same transaction."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="summaries")
    question = models.TextField()
    data = models.JSONField(default=dict)
    points = models.JSONField(default=list)

    class Meta:
        verbose_name = _("question summary")
        verbose_name_plural = _("question summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "question"], name="question_summary_per_survey"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.question}"


class ResponseChoice(models.Model):
    """A choice a response made in a single-choice question (in any instance of a repeat),
    filled at import: the report's "only those who chose X" reads this index, not every
    response's answers. About one row per response and single-choice question
    (`derived.is_indexed`)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="choices")
    question = models.TextField()
    choice = models.TextField()

    class Meta:
        verbose_name = _("response choice")
        verbose_name_plural = _("response choices")
        indexes = [
            models.Index(
                fields=["survey", "question", "choice", "response"], name="response_choice_where"
            )
        ]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.question}={self.choice}"


class OrganizationTrait(models.Model):
    """What the directory's matches read of an organization's newest survey response
    (`matching.stored_traits`): similarity traits, needs and offers, one row each, filled at
    import. Matches are then counted by the database over an index, not over every
    organization's answers."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="survey_traits"
    )
    trait = models.TextField()

    class Meta:
        verbose_name = _("organization trait")
        verbose_name_plural = _("organization traits")
        indexes = [
            models.Index(fields=["network", "trait", "organization"], name="organization_trait")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.trait}"
