// Remove edges by id from one relationship type (the id index is per type); returns the ids it
// found (src/storage/neo4j/edge-removal.ts tries an id's own type first).
// History: the removed version is archived as a {{HISTORY_TYPE}} relationship valid
// [validFrom, $at) — unless it began at $at or later, when it never stood.
UNWIND $edgeIds AS edgeId
MATCH (a)-[r:{{TYPE}} {tenantId: $tenantId, edgeId: edgeId}]->(b)
FOREACH (_ IN CASE WHEN r.validFrom < $at THEN [1] ELSE [] END |
  CREATE (a)-[h:{{HISTORY_TYPE}}]->(b)
  SET h = properties(r), h.validTo = $at
)
DELETE r
RETURN edgeId
