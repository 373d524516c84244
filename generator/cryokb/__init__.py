"""cryokb: an evidence and protocol knowledge base on cryotherapy for neck and back pain.

The package is laid out by phase, in the order data flows: `read` (files into one knowledge
base) -> `rules` (`cryokb check`) -> `render` (Markdown pages, no MkDocs) -> `site` (the MkDocs
hook and publishing); `edit` holds the editors' tools and `cli` the `cryokb` command.
"""
