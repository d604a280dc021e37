"""Small developer tools (``python -m briefing.tools.<name>``)."""
