// Which of these node ids the tenant already stores (live, tombstone or stub): a staged commit
// creates only nodes that exist nowhere yet (src/storage/neo4j/staged-commit.ts).
UNWIND $nodeIds AS nodeId
MATCH (n:Node {tenantId: $tenantId, nodeId: nodeId})
RETURN nodeId
