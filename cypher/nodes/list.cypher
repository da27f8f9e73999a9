// One page of nodes in nodeId order. The label slot is Node or a type label; the filter slot adds
// `AND <property> = $fN` predicates built from FILTER_KEY-checked keys.
MATCH (n:{{LABEL}} {tenantId: $tenantId})
WHERE n.json IS NOT NULL
  AND ($includeDeleted OR n.deletedAt IS NULL)
  AND ($after IS NULL OR n.nodeId > $after){{FILTERS}}
RETURN n.json AS json
ORDER BY n.nodeId
LIMIT $limit
