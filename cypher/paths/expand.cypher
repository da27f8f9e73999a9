// One level of an anchored path search: the allowed relationships of the frontier nodes in the
// walking direction, to live nodes of this tenant, each node reached once. On the last level
// only nodes that can end a path are worth fetching ({{LAST_LEVEL}} is empty or a label check).
UNWIND $nodeIds AS nodeId
MATCH (from:Node {tenantId: $tenantId, nodeId: nodeId}){{LEFT}}[r:{{REL_TYPES}}]{{RIGHT}}(next:Node)
WHERE r.tenantId = $tenantId AND next.tenantId = $tenantId AND next.json IS NOT NULL AND next.deletedAt IS NULL{{LAST_LEVEL}}
WITH collect([nodeId, next.nodeId, r.json]) AS steps, collect(DISTINCT next) AS reached
RETURN steps, [n IN reached | n.json] AS nodes
