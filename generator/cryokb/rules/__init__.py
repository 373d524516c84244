"""The rules the data must obey: `cryokb check` and everything it runs."""
