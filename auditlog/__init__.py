"""The verifiable log (issue 10): an RFC 6962 / RFC 9162 Merkle tree over every stored event, signed
checkpoints in the C2SP tlog-checkpoint format, inclusion and consistency proofs.

`auditlog.offline` is self-contained (standard library and `cryptography` only) so that an auditor
can copy that one file and verify checkpoints and proofs without the service's code. The other
modules build on it for the service: the tree and its proofs (`auditlog.tree`), signing
(`auditlog.signing`). Nothing here imports the rest of greenlist."""
