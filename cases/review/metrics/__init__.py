"""The CMS-0057-F prior-authorization metrics for portal administrators: the figures per health
plan, program and period (selectors.py, computed in the database with aggregates.py), the
filters (periods.py, forms.py), who may see them (access.py), how they read (display.py), the
page and its CSV export (views.py, export.py)."""
