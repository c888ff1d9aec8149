"""``leadline token|sharing|role|user|lockout ...``."""
