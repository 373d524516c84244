"""cryokb: an evidence and protocol knowledge base on cryotherapy for neck and back pain."""
