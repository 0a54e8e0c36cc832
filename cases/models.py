# The case-build wizard and everything after it arrive with the wizard issue.
