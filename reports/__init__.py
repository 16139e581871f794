"""Report stage: HTML, JSON, CSV, partner reports, diffs and trends."""
