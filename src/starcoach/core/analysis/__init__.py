"""Pure analyses over words with timestamps."""
