import neo4j from 'neo4j-driver';
import { CHAIN_EDGE_TYPES, DEFAULT_CHAIN_DEPTH, INBOUND_EDGE_TYPE, PARTIAL_TO_CONNECTION_EDGE_TYPES, PARTIAL_TO_CREDENTIAL_EDGE_TYPES } from '../../model/index.ts';
import type { PostureQuery } from '../../model/index.ts';
import { typesAsOf } from './as-of-statements.ts';
import { render } from './cypher-files.ts';
import { relationshipTypeFor } from './labels.ts';
import type { Statement } from './statements.ts';

// The posture statements (cypher/posture/). As of a past moment, the relationship slots hold
// each edge type and its history type, as every as-of read does.

const types = (edgeTypes: readonly string[], asOf: string | undefined) =>
  (asOf ? typesAsOf(edgeTypes) : edgeTypes.map(relationshipTypeFor)).join('|');

export function postureChains(tenantId: string, query: PostureQuery, asOf: string | undefined): Statement {
  return {
    text: render('postureChains', {
      CHAIN_TYPES: types(CHAIN_EDGE_TYPES, asOf),
      CALL_TYPES: types(['CALLS'], asOf),
      ROLE_TYPES: types(['HAS_ROLE', 'MEMBER_OF'], asOf),
      MAX_DEPTH: String(DEFAULT_CHAIN_DEPTH),
    }),
    params: { tenantId, asOf: asOf ?? null, now: query.now, expiringBefore: query.expiringBefore, top: neo4j.int(query.top), calledOnly: query.calledOnly },
  };
}

export function postureIdentities(tenantId: string, asOf: string | undefined): Statement {
  return { text: render('postureIdentities'), params: { tenantId, asOf: asOf ?? null } };
}

/** Partial chains (latent ones apart) and inbound OAuth chains: the kinds chains.cypher does not walk to. */
export function postureOtherChains(tenantId: string, query: PostureQuery, asOf: string | undefined): Statement {
  return {
    text: render('postureOtherChains', {
      TO_CONNECTION_TYPES: types(PARTIAL_TO_CONNECTION_EDGE_TYPES, asOf),
      TO_CREDENTIAL_TYPES: types(PARTIAL_TO_CREDENTIAL_EDGE_TYPES, asOf),
      USES_TYPES: types(['USES'], asOf),
      AUTH_AS_TYPES: types(['AUTHENTICATES_AS'], asOf),
      CALL_TYPES: types(['CALLS'], asOf),
      INBOUND_TYPES: types([INBOUND_EDGE_TYPE], asOf),
      MAX_DEPTH: String(DEFAULT_CHAIN_DEPTH),
    }),
    params: { tenantId, asOf: asOf ?? null, calledOnly: query.calledOnly },
  };
}
