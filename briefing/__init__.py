"""briefing: Kamerbrieven from YAML facts and a Jinja2 template, as DOCX and PDF."""
