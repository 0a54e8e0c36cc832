from p2p.models.appointments import (
    Appointment,
    AppointmentCase,
    AppointmentConfirmation,
    SchedulerPreference,
)
from p2p.models.physicians import AvailabilityException, ReviewingPhysician, Specialty, WeeklyHours

__all__ = [
    "Appointment",
    "AppointmentCase",
    "AppointmentConfirmation",
    "AvailabilityException",
    "ReviewingPhysician",
    "SchedulerPreference",
    "Specialty",
    "WeeklyHours",
]
