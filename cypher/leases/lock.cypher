// First half of tryAcquireLease: create the lease row if missing and take its write lock, so the
// check that follows in the same transaction cannot race another process.
MERGE (l:Lease {key: $key})
ON CREATE SET l.owner = $owner, l.expiresAt = 0
SET l.lockedAt = timestamp()
