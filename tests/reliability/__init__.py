"""Reliability: fuzzing, limits, soak, faults and security, through a real server."""
