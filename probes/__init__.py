"""Probe stage: pure functions Page -> Findings, plus browser and active probes."""
