"""Mutation proofs: deliberate bugs in the reference and in the verdict code, each of which must be noticed."""
