"""Shareable reports of saved sessions: HTML (self-contained), Markdown and JSON."""
