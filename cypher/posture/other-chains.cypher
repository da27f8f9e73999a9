// Posture (StorageAdapter.postureCounts), the chain kinds that end at no identity of the walk in
// chains.cypher; same definitions as src/storage/posture-walk.ts and the chain analysis:
//  * partial: a maximal simple path of live nodes and edges from a live automation, at most
//    {{MAX_DEPTH}} hops, over {{TO_CONNECTION_TYPES}} to a connection with no USES edge, or over
//    {{TO_CREDENTIAL_TYPES}} to a credential with no AUTHENTICATES_AS edge (then it stops there);
//    latent instead when it starts at library code ($calledOnly);
//  * inbound_oauth: a live identity's AUTHENTICATES_TO edge to a live identity of another system.
// Maximal as in chains.cypher: at the depth cap, or no live automation off the path CALLS the start.
// $asOf null reads the current graph; else a version counts when valid at $asOf and the type slots
// hold the history types too.
CALL {
  MATCH (a:Automation {tenantId: $tenantId})
  WITH a, CASE WHEN $asOf IS NULL OR a.validFrom <= $asOf THEN a ELSE COLLECT {
    MATCH (v:NodeVersion {tenantId: $tenantId, nodeId: a.nodeId}) WHERE v.validFrom <= $asOf AND $asOf < v.validTo RETURN v
  }[0] END AS aState
  WHERE aState.json IS NOT NULL AND aState.deletedAt IS NULL
  CALL {
    WITH a
    MATCH p = (a)-[:{{TO_CONNECTION_TYPES}}*1..{{MAX_DEPTH}}]->(stop:Connection)
    WHERE NOT EXISTS {
      MATCH (stop)-[u:{{USES_TYPES}}]->()
      WHERE u.tenantId = $tenantId AND ($asOf IS NULL OR (u.validFrom <= $asOf AND (u.validTo IS NULL OR $asOf < u.validTo)))
    }
    RETURN p
    UNION ALL
    WITH a
    MATCH p = (a)-[:{{TO_CREDENTIAL_TYPES}}*1..{{MAX_DEPTH}}]->(stop:Credential)
    WHERE NOT EXISTS {
      MATCH (stop)-[k:{{AUTH_AS_TYPES}}]->()
      WHERE k.tenantId = $tenantId AND ($asOf IS NULL OR (k.validFrom <= $asOf AND (k.validTo IS NULL OR $asOf < k.validTo)))
    }
    RETURN p
  }
  WITH a, aState, p
  WHERE all(r IN relationships(p) WHERE r.tenantId = $tenantId AND ($asOf IS NULL OR (r.validFrom <= $asOf AND (r.validTo IS NULL OR $asOf < r.validTo))))
    AND all(k IN range(1, length(p)) WHERE NOT nodes(p)[k] IN nodes(p)[0..k])
    AND none(n IN nodes(p)[1..] WHERE n:Identity)
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
  WITH (a.sourceSystem + ':' + aState.p_automationSubtype) IN $calledOnly AS latent
  RETURN sum(CASE WHEN latent THEN 0 ELSE 1 END) AS partial, sum(CASE WHEN latent THEN 1 ELSE 0 END) AS latentPartial
}
CALL {
  MATCH (i:Identity {tenantId: $tenantId})-[r:{{INBOUND_TYPES}}]->(j:Identity)
  WHERE i <> j AND r.tenantId = $tenantId AND ($asOf IS NULL OR (r.validFrom <= $asOf AND (r.validTo IS NULL OR $asOf < r.validTo)))
    AND all(n IN [i, j] WHERE
      (($asOf IS NULL OR n.validFrom <= $asOf) AND n.json IS NOT NULL AND n.deletedAt IS NULL)
      OR ($asOf IS NOT NULL AND NOT n.validFrom <= $asOf AND EXISTS {
        MATCH (v:NodeVersion {tenantId: $tenantId, nodeId: n.nodeId})
        WHERE v.validFrom <= $asOf AND $asOf < v.validTo AND v.json IS NOT NULL AND v.deletedAt IS NULL
      }))
    AND i.sourceSystem <> j.sourceSystem
  RETURN count(r) AS inbound
}
RETURN partial, latentPartial, inbound
