"""/api/v1/forecast, /deals, /pipeline/hygiene and the forecast's configuration."""
