"""The LifePay integration for Home Assistant (the integration itself arrives with issue 3)."""
