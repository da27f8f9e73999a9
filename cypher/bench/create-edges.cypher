// Benchmark ceiling only: the same edge rows as edges/upsert.cypher, created between nodes
// found by their key, without MERGE.
UNWIND $rows AS row
MATCH (source:BenchNode {tenantId: $tenantId, nodeId: row.sourceNodeId})
MATCH (target:BenchNode {tenantId: $tenantId, nodeId: row.targetNodeId})
CREATE (source)-[r:BENCH_EDGE]->(target)
SET r = row.props
