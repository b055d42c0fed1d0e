"""Generator, rule comparison and reproduction."""
