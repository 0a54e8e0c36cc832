"""Django admin for the P2P scheduler: specialties and the programs they match, reviewing
physicians with their weekly hours and exceptions, and the appointments (read here, booked in
the portal)."""

from django.contrib import admin

from p2p.forms import BaseWeeklyHoursFormSet
from p2p.models import (
    Appointment,
    AppointmentCase,
    AppointmentConfirmation,
    AvailabilityException,
    ReviewingPhysician,
    SchedulerPreference,
    Specialty,
    WeeklyHours,
)


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["programs"]


class WeeklyHoursInline(admin.TabularInline):
    model = WeeklyHours
    formset = BaseWeeklyHoursFormSet
    extra = 0


class AvailabilityExceptionInline(admin.TabularInline):
    model = AvailabilityException
    extra = 0


@admin.register(ReviewingPhysician)
class ReviewingPhysicianAdmin(admin.ModelAdmin):
    list_display = ["__str__", "time_zone", "is_active"]
    list_filter = ["is_active", "time_zone", "specialties"]
    search_fields = ["user__first_name", "user__last_name", "user__username"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["specialties"]
    list_select_related = ["user"]
    inlines = [WeeklyHoursInline, AvailabilityExceptionInline]


class AppointmentCaseInline(admin.TabularInline):
    model = AppointmentCase
    extra = 0
    can_delete = False
    fields = ["case", "level", "valid_until"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class AppointmentConfirmationInline(admin.TabularInline):
    """Each booking and reschedule per case, and its P2P confirmation letter once made (the
    letter is opened from the letters' admin)."""

    model = AppointmentConfirmation
    extra = 0
    can_delete = False
    fields = ["case", "starts_at", "physician", "rescheduled", "made_at", "letter"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    """Appointments are booked, moved and cancelled through the portal's services (the slot
    checks and the letters go with them): admin shows them."""

    list_display = ["starts_at", "physician", "office", "status", "outcome"]
    list_filter = ["status", "outcome"]
    date_hierarchy = "starts_at"
    list_select_related = ["physician__user", "office"]
    search_fields = ["public_id", "requesting_provider_name", "office__name"]
    inlines = [AppointmentCaseInline, AppointmentConfirmationInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Appointment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SchedulerPreference)
class SchedulerPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "time_zone", "confirmed_at"]
    autocomplete_fields = ["user"]
    search_fields = ["user__username"]
