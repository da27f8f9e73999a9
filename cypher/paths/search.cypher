// Simple paths (no node twice) from the start nodes over the allowed relationship types, up to
// the depth cap, through live nodes of this tenant only. Ordered as the memory adapter's
// depth-first walk yields them: start nodeId, then the edge ids along the path (a path before
// its extensions). {{START}} and {{END}} are node patterns with fixed labels; {{REL_TYPES}} come
// from EDGE_TYPES; {{MAX_DEPTH}} is an integer validated ≤ MAX_PATH_DEPTH.
MATCH {{START}}
WHERE start.json IS NOT NULL AND start.deletedAt IS NULL{{START_FILTERS}}
MATCH path = (start){{LEFT}}[:{{REL_TYPES}}*1..{{MAX_DEPTH}}]{{RIGHT}}{{END}}
WHERE all(r IN relationships(path) WHERE r.tenantId = $tenantId)
  AND all(n IN nodes(path) WHERE n.tenantId = $tenantId AND n.json IS NOT NULL AND n.deletedAt IS NULL)
  AND all(i IN range(1, length(path)) WHERE NOT nodes(path)[i] IN nodes(path)[0..i]){{END_FILTERS}}
WITH start, path
ORDER BY start.nodeId, [r IN relationships(path) | r.edgeId]
LIMIT $limit
RETURN [n IN nodes(path) | n.json] AS nodes, [r IN relationships(path) | r.json] AS edges
