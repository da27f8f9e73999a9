// Second half of tryAcquireLease: free, expired or already ours → ours for ttl ms. Server time, so
// processes with skewed clocks agree on expiry.
MATCH (l:Lease {key: $key})
WITH l, (l.owner = $owner OR l.expiresAt <= timestamp()) AS granted
FOREACH (_ IN CASE WHEN granted THEN [1] ELSE [] END |
  SET l.owner = $owner, l.expiresAt = timestamp() + $ttlMs
)
RETURN granted
