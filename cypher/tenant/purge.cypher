// Remove everything one tenant stored under one label (Node, Event, SyncState, BenchNode), in
// batches so a large tenant never needs one huge transaction: benchmark and test clean-up.
// Auto-commit transaction only (IN TRANSACTIONS).
MATCH (n:{{LABEL}} {tenantId: $tenantId})
CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS
