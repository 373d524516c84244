"""Reading the data: files, YAML and BibTeX into one knowledge base, and its history."""
