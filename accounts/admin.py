"""Users, and the access log that portal administrators search read-only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm as DjangoAdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.db.models import Q

from accounts.models import AccessEvent, User
from portal.admin_large_tables import LargeTableAdmin


class UserCreationForm(DjangoAdminUserCreationForm):
    class Meta(DjangoAdminUserCreationForm.Meta):
        model = User


class UserChangeForm(DjangoUserChangeForm):
    class Meta(DjangoUserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "reviewer_role",
        "is_staff",
        "is_active",
        "last_login",
    )
    list_filter = ("reviewer_role", "is_staff", "is_superuser", "is_active")
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Medical review", {"fields": ("reviewer_role", "review_programs", "is_review_lead")}),
    )
    filter_horizontal = (*DjangoUserAdmin.filter_horizontal, "review_programs")


class TimeFilter(admin.DateFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "time"


class SubjectTypeFilter(admin.SimpleListFilter):
    """The kinds of record the portal logs reads of, from the field's choices: asking the
    database for the distinct values would read the whole log."""

    title = "subject type"
    parameter_name = "subject_type"

    def lookups(self, request, model_admin):
        return AccessEvent.SubjectType.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(subject_type=self.value())
        return queryset


@admin.register(AccessEvent)
class AccessEventAdmin(LargeTableAdmin):
    """The access log, read-only: rows are never added, changed or deleted here (the database
    refuses UPDATE and DELETE on them anyway)."""

    list_display = (
        "time",
        "user",
        "action",
        "subject_type",
        "subject_id",
        "member",
        "path",
        "ip_address",
    )
    list_filter = (("at", TimeFilter), "action", SubjectTypeFilter)
    list_select_related = ("user", "member")
    search_fields = ("user__username", "user__last_name", "=subject_id")
    search_help_text = "A user name or a person's last name (exact), or a subject ID."
    ordering = ("-at",)
    sortable_by = ()
    actions = None

    @admin.display(description="Time")
    def time(self, obj: AccessEvent):
        return obj.at

    def get_search_results(self, request, queryset, search_term):
        # Users are few: find them first, so the planner knows whether the log is read through
        # its (user, -at) index or searched for a subject ID alone.
        term = search_term.strip()
        if not term:
            return queryset, False
        user_ids = list(
            User.objects.filter(
                Q(username__iexact=term) | Q(last_name__iexact=term) | Q(first_name__iexact=term)
            ).values_list("pk", flat=True)[:100]
        )
        matches = Q(subject_id=term)
        if user_ids:
            matches |= Q(user_id__in=user_ids)
        return queryset.filter(matches), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
