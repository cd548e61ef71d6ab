"""Measurement: eval, bench, soak and the gold sets. Imports any layer; nothing outside it imports it."""
