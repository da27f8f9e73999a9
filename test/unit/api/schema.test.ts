import { describe, expect, it } from 'vitest';
import type { GraphQLEnumType, GraphQLObjectType } from 'graphql';
import { ROLES } from '../../../src/api/auth/api-keys.ts';
import { graphql } from '../../../src/api/graphql.ts';
import { NODE_TYPENAMES } from '../../../src/api/resolvers/nodes.ts';
import { typeDefs } from '../../../src/api/schema.ts';
import * as model from '../../../src/model/index.ts';

// schema.graphql repeats the model's enums and property names; zod is the source of truth, so
// this fails the moment the two drift apart.
const schema = graphql.buildASTSchema(typeDefs);
const enumValues = (name: string) => (schema.getType(name) as GraphQLEnumType).getValues().map((v) => v.name);
const fieldsOf = (name: string) => Object.keys((schema.getType(name) as GraphQLObjectType).getFields());

describe('schema.graphql against the model', () => {
  it('has every enum with exactly the model values', () => {
    const pairs: [string, readonly string[]][] = [
      ['NodeType', model.NODE_TYPES],
      ['EdgeType', model.EDGE_TYPES],
      ['SourceSystem', model.SOURCE_SYSTEMS],
      ['NodeStatus', model.NODE_STATUSES],
      ['OwnershipState', model.OWNERSHIP_STATES],
      ['NormalizedAction', model.NORMALIZED_ACTIONS],
      ['BusinessDomain', model.BUSINESS_DOMAINS],
      ['SensitivityLevel', model.SensitivityLevel.options],
      ['ExecutionMode', model.ExecutionMode.options],
      ['SecurityRelevance', model.SecurityRelevance.options],
      ['EventType', model.EventType.options],
      ['SyncMode', model.SyncMode.options],
      ['SyncStatus', model.SyncStatus.options],
      ['IdentitySubtype', model.IdentityProperties.shape.identitySubtype.options],
      ['AutomationSubtype', model.AutomationProperties.shape.automationSubtype.options],
      ['ConnectionSubtype', model.ConnectionProperties.shape.connectionSubtype.options],
      ['CredentialSubtype', model.CredentialProperties.shape.credentialSubtype.options],
      ['RoleSubtype', model.RoleProperties.shape.roleSubtype.options],
      ['ResourceSubtype', model.ResourceProperties.shape.resourceSubtype.options],
      ['ExecutionOutcome', model.ExecutionEvidenceProperties.shape.outcome.options],
      ['EvidenceSourceStatus', model.EvidenceSourceStatus.shape.status.options],
      ['EdgeOrigin', model.EdgeProvenance.shape.origin.options],
      ['ChainKind', model.CHAIN_KINDS],
      ['ChainStopReason', model.CHAIN_STOP_REASONS],
      ['ApiRole', ROLES],
    ];
    for (const [name, values] of pairs) expect(enumValues(name), name).toEqual([...values]);
  });

  it('has one Node type per node type, exposing every typed property', () => {
    const properties: Record<model.NodeType, Record<string, unknown>> = {
      identity: model.IdentityProperties.shape,
      automation: model.AutomationProperties.shape,
      connection: model.ConnectionProperties.shape,
      credential: model.CredentialProperties.shape,
      human_identity: model.HumanIdentityProperties.shape,
      role: model.RoleProperties.shape,
      permission: model.PermissionProperties.shape,
      resource: model.ResourceProperties.shape,
      execution_evidence: model.ExecutionEvidenceProperties.shape,
    };
    for (const type of model.NODE_TYPES) {
      const fields = fieldsOf(NODE_TYPENAMES[type]);
      const expected = Object.keys(properties[type]).map((k) => (type === 'human_identity' && k === 'deletedAt' ? 'accountDeletedAt' : k));
      // chainMembership is a connector hint, kept in `properties` JSON.
      for (const key of expected.filter((k) => k !== 'chainMembership')) expect(fields, `${type}.${key}`).toContain(key);
    }
    const edgeProps = fieldsOf('EdgeProperties');
    for (const key of Object.keys(model.EdgeProperties.shape).filter((k) => k !== 'provenance')) expect(edgeProps).toContain(key);
  });

  it('has no argument that names a tenant', () => {
    const fields = [...Object.values(schema.getQueryType()!.getFields()), ...Object.values(schema.getMutationType()!.getFields())];
    expect(fields.flatMap((f) => f.args.map((a) => a.name)).some((a) => /tenant/i.test(a))).toBe(false);
  });
});
