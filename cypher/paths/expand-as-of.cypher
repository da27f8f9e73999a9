// One level of a path search as the graph stood at $asOf (paths/expand.cypher, back in time).
// Every hop is checked for validity: {{REL_TYPES}} holds the allowed edge types and their history
// types (both from EDGE_TYPES), and a relationship counts when its version was valid at $asOf.
// Each node reached is read once as it stood then (nodes/get-many-as-of.cypher) and kept only if
// it was live; on the last level only nodes that can end a path ({{LAST_LEVEL}} is empty or a
// type check on that state).
UNWIND $nodeIds AS nodeId
MATCH (:Node {tenantId: $tenantId, nodeId: nodeId}){{LEFT}}[r:{{REL_TYPES}}]{{RIGHT}}(next:Node)
WHERE r.tenantId = $tenantId AND r.validFrom <= $asOf AND (r.validTo IS NULL OR $asOf < r.validTo)
  AND next.tenantId = $tenantId
WITH next, collect([nodeId, r.json]) AS via
WITH next, via, CASE WHEN next.validFrom <= $asOf THEN next ELSE COLLECT {
  MATCH (v:NodeVersion {tenantId: $tenantId, nodeId: next.nodeId})
  WHERE v.validFrom <= $asOf AND $asOf < v.validTo
  RETURN v
}[0] END AS state
WHERE state.json IS NOT NULL AND state.deletedAt IS NULL{{LAST_LEVEL}}
WITH collect({nodeId: next.nodeId, json: state.json, via: via}) AS reached
CALL { WITH reached UNWIND reached AS x UNWIND x.via AS step RETURN collect([step[0], x.nodeId, step[1]]) AS steps }
RETURN steps, [x IN reached | x.json] AS nodes
