"""Models for the four input/output structures: N vs 1, N vs N, 1 vs N, N vs M, and forecasting."""
