"""Question understanding: answer type, named sources, dates and claims, read by documented rules."""
