"""``leadline token|sharing|user|lockout ...``."""
