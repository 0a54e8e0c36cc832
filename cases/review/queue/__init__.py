"""The Medical Review Queue: the cases in review or on hold of a reviewer's programs (urgent
first, then by due time), its filters and pages, "Take next case" and "Release"."""
