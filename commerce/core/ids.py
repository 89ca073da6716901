"""Bounds for primary keys taken from user input (BigAutoField is a signed 64-bit integer)."""

MAX_ID = 2**63 - 1
