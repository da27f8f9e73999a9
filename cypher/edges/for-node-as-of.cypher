// Edges of one node in one direction as the graph stood at $asOf: {{PATTERN}} allows every edge
// type and its history type; a version counts when it was valid then (current relationships have
// no validTo). Intervals of one edge never overlap, so each edge appears at most once.
MATCH (:Node {tenantId: $tenantId, nodeId: $nodeId}){{PATTERN}}()
WHERE r.tenantId = $tenantId AND r.validFrom <= $asOf AND (r.validTo IS NULL OR $asOf < r.validTo)
WITH DISTINCT r
RETURN r.json AS json
ORDER BY r.edgeId
