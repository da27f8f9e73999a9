// Posture: live identities by the ownership state their connector recorded, as they stood at
// $asOf (null: now): current nodes that began by then, and archived versions valid then.
CALL {
  MATCH (n:Identity {tenantId: $tenantId})
  WHERE $asOf IS NULL OR n.validFrom <= $asOf
  RETURN n
  UNION ALL
  MATCH (n:NodeVersion {tenantId: $tenantId})
  WHERE $asOf IS NOT NULL AND n.nodeType = 'identity' AND n.validFrom <= $asOf AND $asOf < n.validTo
  RETURN n
}
WITH n
WHERE n.json IS NOT NULL AND n.deletedAt IS NULL
RETURN n.p_ownershipState AS state, count(*) AS count
