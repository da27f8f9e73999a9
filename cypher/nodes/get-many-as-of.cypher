// Nodes by id as they stood at $asOf, tombstones included: the current version if it began by
// then, else the archived version valid then (at most one: a node's intervals never overlap).
// Stubs and nodes written before history was kept have no validFrom and read as missing.
UNWIND $nodeIds AS nodeId
OPTIONAL MATCH (n:Node {tenantId: $tenantId, nodeId: nodeId})
WITH nodeId, CASE WHEN n.validFrom <= $asOf THEN n.json END AS current
RETURN nodeId, coalesce(current, COLLECT {
  MATCH (v:NodeVersion {tenantId: $tenantId, nodeId: nodeId})
  WHERE v.validFrom <= $asOf AND $asOf < v.validTo
  RETURN v.json
}[0]) AS json
