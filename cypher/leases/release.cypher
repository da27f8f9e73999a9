MATCH (l:Lease {key: $key})
WHERE l.owner = $owner
DELETE l
