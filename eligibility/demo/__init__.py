"""Synthetic demo data for `manage.py seed_demo`: fictional plans, people and our own code texts.

Nothing here describes a real patient, practitioner or insurer. Every generator is deterministic:
the same seed and the same day give the same rows, so a newcomer's demo data matches the README
and a benchmark run can be repeated.
"""

SEED = 20261123
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 -- printed by `make run` for the demo log-ins
