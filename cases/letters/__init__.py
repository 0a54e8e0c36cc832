"""The determinations' letters: rendered to PDF by a Celery task after commit, delivered to the
office (Correspondence, with an e-mail notice or by fax) and to the member (the mail queue)."""
