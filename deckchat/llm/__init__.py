"""Generators behind one Protocol, and the big-model tooling."""
