// How much history a tenant keeps: archived node versions and history relationships beside the
// current nodes and relationships ({{TYPES}} and {{HISTORY_TYPES}} come from EDGE_TYPES).
CALL { MATCH (v:NodeVersion {tenantId: $tenantId}) RETURN count(v) AS archivedNodes }
CALL { MATCH (n:Node {tenantId: $tenantId}) WHERE n.json IS NOT NULL RETURN count(n) AS nodes }
CALL { MATCH (:Node {tenantId: $tenantId})-[r:{{TYPES}}]->() WHERE r.tenantId = $tenantId RETURN count(r) AS edges }
CALL { MATCH (:Node {tenantId: $tenantId})-[h:{{HISTORY_TYPES}}]->() WHERE h.tenantId = $tenantId RETURN count(h) AS archivedEdges }
RETURN nodes, edges, archivedNodes, archivedEdges
