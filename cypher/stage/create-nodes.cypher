// Nodes of one type label created under a staging tenant (src/storage/neo4j/staged-commit.ts):
// the staging tenant is empty (purged before) and the plan holds each id once, so a CREATE does
// what nodes/upsert.cypher's MERGE would, without looking for a node to merge or archive.
UNWIND $rows AS row
CREATE (n:Node:{{LABEL}})
SET n = row.props, n.nodeId = row.nodeId, n.connectorId = $connectorId, n.validFrom = $at
