"""`make bench`: the portal's benchmark scenarios against gunicorn and a million generated members.

Run as `python -m bench` with DATABASE_URL set (the Makefile starts the embedded servers). It
uses its own database next to the one in DATABASE_URL, so the development data is left alone.
"""
