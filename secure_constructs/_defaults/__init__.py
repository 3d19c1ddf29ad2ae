"""Hardened settings as plain functions returning fresh props: one place to read every default."""
