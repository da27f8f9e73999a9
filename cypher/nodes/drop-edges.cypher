// A tombstone keeps no edges: remove every relationship of these nodes.
UNWIND $nodeIds AS nodeId
MATCH (:Node {tenantId: $tenantId, nodeId: nodeId})-[r]-()
WHERE r.tenantId = $tenantId
WITH DISTINCT r
DELETE r
