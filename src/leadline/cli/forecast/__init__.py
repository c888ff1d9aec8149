"""``leadline forecast|deals|pipeline|quota|rate|fiscal-year``."""
