"""Clinical pathways in Django admin: a program's (or some of its codes') pathway with its
questions in order; a question with its choices and its rules, each rule shown as it reads
("If the answer is at least “6”: go to 4. …"). Importing this module registers them
(cases/admin.py imports it)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Prefetch
from django.utils.html import format_html, format_html_join

from cases.clinical.engine import pathway_questions
from cases.models import Choice, Pathway, Question, Rule
from eligibility.models import ProcedureCode

COMPARES_TO_VALUE = {
    Rule.Operator.IS,
    Rule.Operator.IS_NOT,
    Rule.Operator.INCLUDES,
    Rule.Operator.EXCLUDES,
}
NUMERIC = {
    Rule.Operator.LESS_THAN,
    Rule.Operator.AT_MOST,
    Rule.Operator.MORE_THAN,
    Rule.Operator.AT_LEAST,
}
CHOICE_KINDS = {Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.REGIMEN}
SMALL_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 48})}}


def rule_reads(rule: Rule, question: Question | None = None) -> str:
    """A rule as a sentence: "If the answer is “Knee”: go to 3. Is there …", "Any answer:
    end with Criteria met: approve now". Choice values read as their labels when the question's
    choices are at hand."""
    question = question or rule.question
    operator = Rule.Operator(rule.operator)
    if operator == Rule.Operator.ANY:
        condition = "Any answer"
    elif operator in (Rule.Operator.PREFERRED, Rule.Operator.NOT_PREFERRED):
        condition = f"If the answer {operator.label}"
    else:
        labels = {choice.value: choice.label for choice in question.choices.all()}
        if question.kind == Question.Kind.YES_NO:
            labels = {"yes": "Yes", "no": "No"}
        shown = labels.get(rule.value, rule.value)
        condition = f"If the answer {operator.label} “{shown}”"
    if rule.outcome:
        return f"{condition}: end with {rule.get_outcome_display()}"
    target = rule.next_question
    return f"{condition}: go to {target}" if target else f"{condition}: (no next question)"


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = ("position", "operator", "value", "next_question", "outcome")

    def clean(self):
        cleaned = super().clean()
        operator = cleaned.get("operator")
        value = (cleaned.get("value") or "").strip()
        cleaned["value"] = value
        if operator in COMPARES_TO_VALUE and not value:
            self.add_error("value", "Enter the answer this rule compares with.")
        if operator in NUMERIC:
            try:
                Decimal(value)
            except InvalidOperation:
                self.add_error("value", "Enter a number to compare the answer with.")
        question = getattr(self.instance, "question", None) if self.instance.question_id else None
        if (
            question is not None
            and question.kind == Question.Kind.YES_NO
            and operator in COMPARES_TO_VALUE
            and value not in ("yes", "no")
        ):
            self.add_error("value", "A yes/no answer is “yes” or “no”.")
        next_question, outcome = cleaned.get("next_question"), cleaned.get("outcome")
        if next_question is not None and outcome:
            self.add_error("outcome", "A rule goes to a next question or ends with an outcome.")
        elif next_question is None and not outcome:
            self.add_error("outcome", "Choose the next question or the outcome.")
        return cleaned


class RuleInline(admin.TabularInline):
    model = Rule
    form = RuleForm
    fk_name = "question"
    fields = ("position", "operator", "value", "next_question", "outcome", "reads")
    readonly_fields = ("reads",)
    extra = 1

    @admin.display(description="Reads")
    def reads(self, rule: Rule) -> str:
        return rule_reads(rule) if rule.pk else "—"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A rule sends to another question of the same pathway.
        field = formset.form.base_fields.get("next_question")
        if field is not None:
            field.queryset = (
                Question.objects.filter(pathway_id=obj.pathway_id).exclude(pk=obj.pk)
                if obj is not None
                else Question.objects.none()
            )
        return formset


class ChoiceInline(admin.TabularInline):
    model = Choice
    fields = ("position", "value", "label", "description", "is_preferred")
    formfield_overrides = SMALL_TEXT
    extra = 1


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "key", "kind", "pathway", "rule_count")
    list_filter = ("pathway__program", "kind", "pathway")
    list_select_related = ("pathway__program",)
    search_fields = ("key", "text", "pathway__name")
    search_help_text = "A question's key or words of its text, or a pathway's name."
    ordering = ("pathway", "position")
    fields = (
        "pathway",
        "position",
        "key",
        "text",
        "help_text",
        "kind",
        "required",
        "min_value",
        "max_value",
        "max_repeats",
        "rules_read",
    )
    readonly_fields = ("rules_read",)
    inlines = (ChoiceInline, RuleInline)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(rule_total=Count("rules"))

    @admin.display(description="Rules", ordering="rule_total")
    def rule_count(self, question: Question) -> int:
        return question.rule_total

    @admin.display(description="Rules as they read")
    def rules_read(self, question: Question) -> str:
        if question.pk is None:
            return "—"
        rules = question.rules.select_related("next_question").order_by("position", "pk")
        if not rules:
            return "No rules: the next question by position follows."
        return format_html(
            "<ol>{}</ol>",
            format_html_join("", "<li>{}</li>", ((rule_reads(rule, question),) for rule in rules)),
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for warning in question_warnings(form.instance):
            messages.warning(request, warning)


def question_warnings(question: Question) -> list[str]:
    """What a saved question lacks for the pages to ask it, or rules that can never match."""
    warnings = []
    values = set(question.choices.values_list("value", flat=True))
    if question.kind in CHOICE_KINDS and not values:
        warnings.append(f"{question}: this question asks for a choice but has no choices yet.")
    if question.kind in CHOICE_KINDS:
        for rule in question.rules.filter(operator__in=COMPARES_TO_VALUE):
            if rule.value not in values:
                warnings.append(
                    f'{question}: the rule "{rule_reads(rule, question)}" names no choice of '
                    "this question."
                )
    return warnings


class QuestionInline(admin.TabularInline):
    model = Question
    fields = (
        "position",
        "key",
        "text",
        "kind",
        "required",
        "min_value",
        "max_value",
        "max_repeats",
    )
    formfield_overrides = SMALL_TEXT
    extra = 1
    show_change_link = True


@admin.register(Pathway)
class PathwayAdmin(admin.ModelAdmin):
    list_display = ("name", "program", "codes", "default_outcome", "is_active", "question_count")
    list_filter = ("program", "is_active", "default_outcome")
    list_select_related = ("program",)
    search_fields = ("name", "procedure_codes__code")
    search_help_text = "A pathway's name, or a procedure code it is chosen for."
    autocomplete_fields = ("procedure_codes",)
    fields = ("program", "name", "procedure_codes", "default_outcome", "is_active", "flow")
    readonly_fields = ("flow",)
    inlines = (QuestionInline,)

    def get_queryset(self, request):
        codes = Prefetch("procedure_codes", queryset=ProcedureCode.objects.order_by("code"))
        return (
            super()
            .get_queryset(request)
            .annotate(question_total=Count("questions", distinct=True))
            .prefetch_related(codes)
        )

    @admin.display(description="Procedure codes")
    def codes(self, pathway: Pathway) -> str:
        return ", ".join(code.code for code in pathway.procedure_codes.all()) or "All the others"

    @admin.display(description="Questions", ordering="question_total")
    def question_count(self, pathway: Pathway) -> int:
        return pathway.question_total

    @admin.display(description="The pathway as it reads")
    def flow(self, pathway: Pathway) -> str:
        if pathway.pk is None:
            return "—"
        questions = pathway_questions(pathway)
        if not questions:
            return f"No questions: every case ends with {pathway.get_default_outcome_display()}."
        by_pk = {question.pk: question for question in questions}
        items = []
        for question in questions:
            for rule in question.rules.all():
                rule.next_question = by_pk.get(rule.next_question_id)
            rules = format_html_join(
                "", "<li>{}</li>", ((rule_reads(rule, question),) for rule in question.rules.all())
            )
            items.append(
                format_html(
                    "<li><strong>{}</strong> <code>{}</code> ({})<ul>{}</ul></li>",
                    question,
                    question.key,
                    question.get_kind_display(),
                    rules or format_html("<li>{}</li>", "Then the next question by position"),
                )
            )
        items.append(
            format_html(
                "<li>After the last question: {}</li>", pathway.get_default_outcome_display()
            )
        )
        return format_html("<ol>{}</ol>", format_html_join("", "{}", ((item,) for item in items)))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for question in form.instance.questions.all():
            for warning in question_warnings(question):
                messages.warning(request, warning)
