// History (reads as of a moment): archived node versions by node and start of validity. History
// relationships (HIST_<TYPE>) are only ever reached from their nodes and need no index.
CREATE INDEX node_version_key IF NOT EXISTS
FOR (v:NodeVersion) ON (v.tenantId, v.nodeId, v.validFrom);
