// Whether a tenant home holds no graph, history, event or outbox row (sync records aside): only
// then may a staged first sync move the tenant to a new home wholesale.
OPTIONAL MATCH (n:Node {tenantId: $storedAs})
WITH n LIMIT 1
OPTIONAL MATCH (v:NodeVersion {tenantId: $storedAs})
WITH n, v LIMIT 1
OPTIONAL MATCH (e:Event {tenantId: $storedAs})
WITH n, v, e LIMIT 1
OPTIONAL MATCH (m:Outbox {tenantId: $storedAs})
WITH n, v, e, m LIMIT 1
RETURN n IS NULL AND v IS NULL AND e IS NULL AND m IS NULL AS empty
