// Ids and content hashes of a connector's live nodes, answered from node_connector_hash alone.
// Sent as "hash id\n" lines joined $chunk rows to a string (hash-lines.ts reads them): the driver
// decodes each string of a result separately, and one string per row made the client, not the
// server, the slow end of the read. A hash has no space or newline; an id with a newline comes
// apart in `odd`, whole.
MATCH (n:Node)
WHERE n.tenantId = $tenantId AND n.connectorId = $connectorId AND n.nodeId IS NOT NULL AND n.contentHash IS NOT NULL
WITH collect(n.contentHash + ' ' + n.nodeId) AS rows
UNWIND range(0, size(rows) - 1, $chunk) AS start
WITH rows[start..start + $chunk] AS part
RETURN reduce(s = '', row IN part | CASE WHEN row CONTAINS '\n' THEN s ELSE s + row + '\n' END) AS lines,
  [row IN part WHERE row CONTAINS '\n'] AS odd
