"""The demo organisation, built and played through the same use cases every transport calls."""
