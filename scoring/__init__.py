"""Scoring stage: Findings + site profile -> per-outcome results."""
