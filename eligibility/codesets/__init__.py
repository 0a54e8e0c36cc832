"""Loaders for the code sets a case draws on: ICD-10-CM diagnoses and HCPCS Level II procedures.

Each loader upserts into our own tables, so running it again after a new release changes only
what changed and never deletes a code a case may already point at.
"""
