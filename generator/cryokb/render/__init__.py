"""Rendering: the knowledge base into Markdown pages, with no MkDocs in sight."""
