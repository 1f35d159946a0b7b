"""The service's side of the verifiable log (issue 10): the signing key and the witness copy
(`keys`), the tree over a store's leaves (`tree`), signed checkpoints (`checkpoints`) and the
verifier of the whole store (`verify`). The pure parts live in `auditlog`."""
