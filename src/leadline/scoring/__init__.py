"""Scoring models that need numpy and scikit-learn, the choice between models, and the backtest.

The pure part (the interface, features, the smoothed-frequency model, metrics) is
``leadline.domain.scoring``; every model here honours its ``ScoringModel``.
"""
