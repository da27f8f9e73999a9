// Edges of one node in one direction ({{PATTERN}} is -[r:…]->, <-[r:…]- or -[r:…]-, with the
// current relationship types only, so history relationships never show), by edgeId.
MATCH (:Node {tenantId: $tenantId, nodeId: $nodeId}){{PATTERN}}()
WHERE r.tenantId = $tenantId
WITH DISTINCT r
RETURN r.json AS json
ORDER BY r.edgeId
