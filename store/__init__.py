"""The central store: models, the rules of the domain and migrations. Knows nothing of Teams."""
