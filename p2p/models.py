# The P2P scheduler arrives with its own issue.
