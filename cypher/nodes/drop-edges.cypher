// A tombstone keeps no edges: remove these nodes' relationships of one type (one statement per
// type, so history relationships are never touched), each archived as edges/remove-by-id.cypher does.
UNWIND $nodeIds AS nodeId
MATCH (:Node {tenantId: $tenantId, nodeId: nodeId})-[r:{{TYPE}}]-()
WHERE r.tenantId = $tenantId
WITH DISTINCT r
WITH r, startNode(r) AS a, endNode(r) AS b
FOREACH (_ IN CASE WHEN r.validFrom < $at THEN [1] ELSE [] END |
  CREATE (a)-[h:{{HISTORY_TYPE}}]->(b)
  SET h = properties(r), h.validTo = $at
)
DELETE r
