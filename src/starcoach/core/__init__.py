"""Pure analysis core: standard library and numpy only (no UI, audio or model imports)."""
