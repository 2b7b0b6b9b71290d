"""The "Give Me Some Credit" challenge data: columns, split, synthetic sample, baseline model."""
