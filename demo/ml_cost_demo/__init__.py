"""The deterministic demo landing folder (docs/demo.md)."""
