// Benchmark ceiling only: the key the ceiling's edge lookups need.
CREATE INDEX bench_node_key IF NOT EXISTS
FOR (n:BenchNode) ON (n.tenantId, n.nodeId);
