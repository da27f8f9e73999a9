// Benchmark ceiling only (bench/neo4j.bench.ts): the same node rows as nodes/upsert.cypher,
// created without MERGE, constraint checks against existing data or label bookkeeping.
UNWIND $rows AS row
CREATE (n:BenchNode)
SET n = row.props
