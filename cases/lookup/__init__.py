"""Authorization Lookup: a submitted case found by member information or by number and NPI, its
result page, and Upload Additional Clinical."""
