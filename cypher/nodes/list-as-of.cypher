// Nodes as they stood at $asOf, in nodeId order: current nodes whose version began by then (the
// label slot is Node or a type label) and archived versions valid then (of $nodeType when set).
// Versions copy the node's properties, so the filter slot (nodes/list.cypher) applies to both.
// {{LIMIT}} is empty or `LIMIT $limit`.
CALL {
  MATCH (n:{{LABEL}} {tenantId: $tenantId})
  WHERE n.validFrom <= $asOf AND ($after IS NULL OR n.nodeId > $after)
  RETURN n
  UNION ALL
  MATCH (n:NodeVersion {tenantId: $tenantId})
  WHERE n.validFrom <= $asOf AND $asOf < n.validTo AND ($after IS NULL OR n.nodeId > $after)
    AND ($nodeType IS NULL OR n.nodeType = $nodeType)
  RETURN n
}
WITH n
WHERE n.json IS NOT NULL
  AND ($includeDeleted OR n.deletedAt IS NULL){{FILTERS}}
RETURN n.json AS json
ORDER BY n.nodeId{{LIMIT}}
