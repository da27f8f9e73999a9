// Simple paths (no node twice) from the start nodes over the allowed relationship types, up to
// the depth cap, through live nodes of this tenant only. Ordered as the memory adapter's
// depth-first walk yields them: start nodeId, then the edge ids along the path (a path before
// its extensions). The slots hold node patterns with fixed labels, relationship types from
// EDGE_TYPES and an integer depth validated ≤ MAX_PATH_DEPTH.
MATCH {{START}}
WHERE start.json IS NOT NULL AND start.deletedAt IS NULL{{START_FILTERS}}
MATCH path = (start){{LEFT}}[:{{REL_TYPES}}*1..{{MAX_DEPTH}}]{{RIGHT}}{{END}}
WHERE all(r IN relationships(path) WHERE r.tenantId = $tenantId)
  AND all(n IN nodes(path) WHERE n.tenantId = $tenantId AND n.json IS NOT NULL AND n.deletedAt IS NULL)
  AND all(i IN range(1, length(path)) WHERE NOT nodes(path)[i] IN nodes(path)[0..i]){{END_FILTERS}}
WITH start, path
ORDER BY start.nodeId, [r IN relationships(path) | r.edgeId]
LIMIT $limit
// Paths share most of their nodes and edges: send ids per path and each node and edge once.
WITH collect(path) AS paths
CALL { WITH paths UNWIND paths AS p UNWIND nodes(p) AS n WITH DISTINCT n RETURN collect(n.json) AS nodes }
CALL { WITH paths UNWIND paths AS p UNWIND relationships(p) AS r WITH DISTINCT r RETURN collect(r.json) AS edges }
RETURN [p IN paths | [n IN nodes(p) | n.nodeId]] AS pathNodeIds,
  [p IN paths | [r IN relationships(p) | r.edgeId]] AS pathEdgeIds,
  nodes,
  edges
