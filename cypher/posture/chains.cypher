// Posture (StorageAdapter.postureCounts): every maximal execution chain counted where the data is,
// then ranked lists of the privileged identities they reach and of the expired or expiring
// credentials they use. Same definition as the memory store (src/storage/memory/posture.ts):
// simple paths over live nodes and edges from a live automation to an identity, at most
// {{MAX_DEPTH}} hops, not extendable at the front by a live automation off the path that CALLS
// the start. $asOf null reads the current graph; else a version counts when valid at $asOf and
// {{CHAIN_TYPES}}, {{CALL_TYPES}} and {{ROLE_TYPES}} hold the history types too (all from EDGE_TYPES).
MATCH (a:Automation {tenantId: $tenantId})
WITH a, CASE WHEN $asOf IS NULL OR a.validFrom <= $asOf THEN a ELSE COLLECT {
  MATCH (v:NodeVersion {tenantId: $tenantId, nodeId: a.nodeId}) WHERE v.validFrom <= $asOf AND $asOf < v.validTo RETURN v
}[0] END AS aState
WHERE aState.json IS NOT NULL AND aState.deletedAt IS NULL
MATCH p = (a)-[:{{CHAIN_TYPES}}*1..{{MAX_DEPTH}}]->(i:Identity)
WHERE all(r IN relationships(p) WHERE r.tenantId = $tenantId AND ($asOf IS NULL OR (r.validFrom <= $asOf AND (r.validTo IS NULL OR $asOf < r.validTo))))
  AND all(k IN range(1, length(p)) WHERE NOT nodes(p)[k] IN nodes(p)[0..k])
  AND none(n IN nodes(p)[1..-1] WHERE n:Identity)
  AND all(n IN nodes(p)[1..] WHERE
    (($asOf IS NULL OR n.validFrom <= $asOf) AND n.json IS NOT NULL AND n.deletedAt IS NULL)
    OR ($asOf IS NOT NULL AND NOT n.validFrom <= $asOf AND EXISTS {
      MATCH (v:NodeVersion {tenantId: $tenantId, nodeId: n.nodeId})
      WHERE v.validFrom <= $asOf AND $asOf < v.validTo AND v.json IS NOT NULL AND v.deletedAt IS NULL
    }))
  AND (length(p) = {{MAX_DEPTH}} OR NOT EXISTS {
    MATCH (x:Automation)-[c:{{CALL_TYPES}}]->(a)
    WHERE c.tenantId = $tenantId AND ($asOf IS NULL OR (c.validFrom <= $asOf AND (c.validTo IS NULL OR $asOf < c.validTo)))
      AND NOT x IN nodes(p)
      AND ((($asOf IS NULL OR x.validFrom <= $asOf) AND x.json IS NOT NULL AND x.deletedAt IS NULL)
        OR ($asOf IS NOT NULL AND NOT x.validFrom <= $asOf AND EXISTS {
          MATCH (v:NodeVersion {tenantId: $tenantId, nodeId: x.nodeId})
          WHERE v.validFrom <= $asOf AND $asOf < v.validTo AND v.json IS NOT NULL AND v.deletedAt IS NULL
        }))
  })
// The kind: latent when the start is library code ($calledOnly, src/analysis/entry-points.ts),
// else by the last hop. The credential of the chain is the one its AUTHENTICATES_AS hop leaves from.
WITH i, p, (a.sourceSystem + ':' + aState.p_automationSubtype) IN $calledOnly AS latent
WITH i, latent,
  CASE WHEN latent THEN 'latent' WHEN type(last(relationships(p))) IN ['RUNS_AS', 'HIST_RUNS_AS'] THEN 'runs_as' ELSE 'authenticates_as' END AS kind,
  CASE WHEN type(last(relationships(p))) IN ['AUTHENTICATES_AS', 'HIST_AUTHENTICATES_AS'] THEN nodes(p)[-2] END AS k
WITH i, k, kind, latent, count(*) AS chains
WITH collect({i: i, k: k, kind: kind, latent: latent, chains: chains}) AS rows
// The ranked lists follow execution chains only: a latent path runs nowhere.
CALL {
  WITH rows
  UNWIND rows AS row
  WITH row WHERE NOT row.latent
  WITH row.i AS i, sum(row.chains) AS chains
  WHERE EXISTS {
    MATCH (i)-[r:{{ROLE_TYPES}}]->(role:Role)
    WHERE r.tenantId = $tenantId AND ($asOf IS NULL OR (r.validFrom <= $asOf AND (r.validTo IS NULL OR $asOf < r.validTo)))
    WITH CASE WHEN $asOf IS NULL OR role.validFrom <= $asOf THEN role ELSE COLLECT {
      MATCH (v:NodeVersion {tenantId: $tenantId, nodeId: role.nodeId}) WHERE v.validFrom <= $asOf AND $asOf < v.validTo RETURN v
    }[0] END AS s
    WHERE s.json IS NOT NULL AND s.deletedAt IS NULL AND s.p_isPrivileged = true
    RETURN s
  }
  WITH i, chains
  ORDER BY chains DESC, i.nodeId
  RETURN count(*) AS privilegedCount, collect({nodeId: i.nodeId, chains: chains})[0..$top] AS privilegedTop
}
CALL {
  WITH rows
  UNWIND rows AS row
  WITH row WHERE NOT row.latent
  WITH row.k AS k, sum(row.chains) AS chains
  WHERE k IS NOT NULL
  WITH k, chains, CASE WHEN $asOf IS NULL OR k.validFrom <= $asOf THEN k ELSE COLLECT {
    MATCH (v:NodeVersion {tenantId: $tenantId, nodeId: k.nodeId}) WHERE v.validFrom <= $asOf AND $asOf < v.validTo RETURN v
  }[0] END AS s
  WITH k.nodeId AS nodeId, chains, s.p_expiresAt AS expiresAt,
    (s.status = 'expired' OR (s.p_expiresAt IS NOT NULL AND datetime(s.p_expiresAt) < datetime($now))) AS expired
  WHERE s.nodeType = 'credential' AND (expired OR (expiresAt IS NOT NULL AND datetime(expiresAt) < datetime($expiringBefore)))
  WITH nodeId, chains, expiresAt, expired
  ORDER BY CASE WHEN expiresAt IS NULL THEN 1 ELSE 0 END, datetime(expiresAt), nodeId
  WITH collect({nodeId: nodeId, chains: chains, expiresAt: expiresAt, expired: expired}) AS found
  WITH [c IN found WHERE c.expired] AS expired, [c IN found WHERE NOT c.expired] AS expiring
  RETURN size(expired) AS expiredCount, expired[0..$top] AS expiredTop, size(expiring) AS expiringCount, expiring[0..$top] AS expiringTop
}
RETURN [kind IN ['authenticates_as', 'runs_as', 'latent'] | [kind, reduce(total = 0, row IN rows | total + CASE WHEN row.kind = kind THEN row.chains ELSE 0 END)]] AS chainsByKind,
  privilegedCount, privilegedTop, expiredCount, expiredTop, expiringCount, expiringTop
