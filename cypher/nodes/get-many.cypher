// Nodes by id, tombstones included; stubs (no json) read as missing.
UNWIND $nodeIds AS nodeId
OPTIONAL MATCH (n:Node {tenantId: $tenantId, nodeId: nodeId})
RETURN nodeId, n.json AS json
