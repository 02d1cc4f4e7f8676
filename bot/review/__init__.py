"""Staff tools over the anonymized log: grouping, reports, stats and charts, promote, the CLI."""
