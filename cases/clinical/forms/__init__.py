"""The clinical phase's forms, one module per topic."""
