"""The editors' tools: new skeletons, adding references, renaming, a content diff."""
