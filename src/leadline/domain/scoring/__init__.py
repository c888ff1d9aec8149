"""Predictive scoring: the pure part (interface, features, the smoothed-frequency model, metrics).

The gradient-boosted model and the backtest on any table live in ``leadline.scoring`` (they need
numpy and scikit-learn); both honour ``interface.ScoringModel``.
"""
