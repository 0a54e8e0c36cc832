"""After submission: Certification Summary and My Worklist, an office's submitted cases."""
