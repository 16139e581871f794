"""A generated two-tier council area served on loopback, for tests, benchmarks and the demo."""
