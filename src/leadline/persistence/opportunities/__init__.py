"""Storage of opportunities, sales processes and stages, products, line items and stage history."""
