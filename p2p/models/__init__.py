from p2p.models.appointments import Appointment, AppointmentCase, SchedulerPreference
from p2p.models.physicians import AvailabilityException, ReviewingPhysician, Specialty, WeeklyHours

__all__ = [
    "Appointment",
    "AppointmentCase",
    "AvailabilityException",
    "ReviewingPhysician",
    "SchedulerPreference",
    "Specialty",
    "WeeklyHours",
]
