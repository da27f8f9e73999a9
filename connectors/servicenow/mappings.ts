import type { Produces } from '../../src/connector/extraction-scope.ts';
import type { KnownPermission } from '../../src/resolve/permission-action.ts';

// Seed 003 "Permission Normalization Guide", ServiceNow rows, plus platform roles whose meaning
// ServiceNow documents. A role not listed goes through the seed's rules and is `mapped: false`
// ("unmapped — assumed …"): custom roles (x_*, u_*) mean whatever their ACLs say.
export const SERVICENOW_ROLE_PERMISSIONS: Record<string, KnownPermission> = {
  // Seed rows.
  itil: { action: 'update', scope: 'incident,problem,change' },
  admin: { action: 'admin', scope: 'all' },
  catalog_admin: { action: 'admin', scope: 'service_catalog' },
  hr_read: { action: 'read', scope: 'hr_tables' },
  // Platform administration.
  maint: { action: 'admin', scope: 'all' },
  security_admin: { action: 'admin', scope: 'security' },
  oauth_admin: { action: 'admin', scope: 'oauth_entity' },
  web_service_admin: { action: 'admin', scope: 'sys_rest_message' },
  import_admin: { action: 'admin', scope: 'import_sets' },
  discovery_admin: { action: 'admin', scope: 'discovery' },
  knowledge_admin: { action: 'admin', scope: 'knowledge' },
  report_admin: { action: 'admin', scope: 'reports' },
  workflow_admin: { action: 'admin', scope: 'workflow' },
  flow_designer: { action: 'admin', scope: 'flow_designer' },
  itil_admin: { action: 'admin', scope: 'incident,problem,change' },
  asset: { action: 'update', scope: 'alm_asset' },
  // Handing out access.
  user_admin: { action: 'delegate', scope: 'sys_user,sys_user_has_role,sys_user_group' },
  impersonator: { action: 'delegate', scope: 'sys_user' },
  role_delegator: { action: 'delegate', scope: 'sys_user_has_role' },
  // Running things.
  rest_service: { action: 'execute', scope: 'rest_api' },
  snc_platform_rest_api_access: { action: 'execute', scope: 'rest_api' },
  soap: { action: 'execute', scope: 'soap_api' },
  flow_operator: { action: 'execute', scope: 'flow_designer' },
  mid_server: { action: 'execute', scope: 'mid_server' },
  import_transformer: { action: 'execute', scope: 'import_sets' },
  // Writing data.
  catalog: { action: 'create', scope: 'sc_request' },
  knowledge: { action: 'update', scope: 'knowledge' },
  approver_user: { action: 'update', scope: 'sysapproval_approver' },
  soap_create: { action: 'create', scope: 'soap_api' },
  soap_update: { action: 'update', scope: 'soap_api' },
  soap_delete: { action: 'delete', scope: 'soap_api' },
  personalize: { action: 'update', scope: 'sys_ui' },
  // Reading.
  snc_internal: { action: 'read', scope: 'self_service' },
  snc_external: { action: 'read', scope: 'self_service' },
  snc_read_only: { action: 'read', scope: 'all' },
  soap_query: { action: 'read', scope: 'soap_api' },
  report_user: { action: 'read', scope: 'reports' },
  sn_incident_read: { action: 'read', scope: 'incident' },
  sn_request_read: { action: 'read', scope: 'sc_request' },
};

/** Roles that are privileged whatever `elevated_privilege` says (they can grant or become anyone). */
export const PRIVILEGED_ROLES = new Set(['admin', 'security_admin', 'user_admin', 'impersonator', 'oauth_admin', 'maint', 'web_service_admin']);

export function roleScope(name: string): string {
  return name.replace(/_(admin|read|reader|user|manager|write|writer)$/, '') || name;
}

export interface TableSpec {
  table: string;
  fields: string[];
  required: boolean;
  expectNonEmpty?: boolean;
  query?: string;
}

// sysparm_fields per table: we ask only for what the model uses (least data, and never password2
// fields such as oauth_entity.client_secret on a well-behaved instance).
export const TABLES: TableSpec[] = [
  { table: 'sys_user', required: true, expectNonEmpty: true, fields: ['sys_id', 'user_name', 'name', 'email', 'active', 'locked_out', 'web_service_access_only', 'internal_integration_user', 'department', 'title', 'manager', 'sys_created_on', 'sys_updated_on'] },
  { table: 'sys_user_role', required: false, fields: ['sys_id', 'name', 'description', 'elevated_privilege', 'sys_created_on'] },
  { table: 'sys_user_has_role', required: false, fields: ['sys_id', 'user', 'role', 'inherited', 'state', 'granted_by', 'sys_created_on'] },
  { table: 'sys_user_group', required: false, fields: ['sys_id', 'name', 'manager', 'active', 'description', 'sys_created_on'] },
  { table: 'sys_user_grmember', required: false, fields: ['sys_id', 'user', 'group', 'sys_created_on'] },
  { table: 'sys_db_object', required: false, expectNonEmpty: true, fields: ['sys_id', 'name', 'label', 'super_class', 'sys_scope'] },
  { table: 'sys_script', required: true, fields: ['sys_id', 'name', 'collection', 'when', 'action_insert', 'action_update', 'action_delete', 'action_query', 'active', 'script', 'sys_created_by', 'sys_created_on', 'sys_updated_on'] },
  { table: 'sys_script_include', required: false, fields: ['sys_id', 'name', 'api_name', 'active', 'access', 'client_callable', 'script', 'sys_created_by', 'sys_created_on', 'sys_updated_on'] },
  { table: 'sysauto_script', required: false, fields: ['sys_id', 'name', 'active', 'run_as', 'run_type', 'run_period', 'run_time', 'run_dayofweek', 'script', 'sys_created_by', 'sys_created_on', 'sys_updated_on'] },
  { table: 'sys_hub_flow', required: false, fields: ['sys_id', 'name', 'internal_name', 'active', 'status', 'run_as', 'sys_created_by', 'sys_created_on', 'sys_updated_on'] },
  { table: 'sys_rest_message', required: false, fields: ['sys_id', 'name', 'rest_endpoint', 'authentication_type', 'oauth2_profile', 'description', 'sys_created_on', 'sys_updated_on'] },
  { table: 'sys_rest_message_fn', required: false, fields: ['sys_id', 'rest_message', 'function_name', 'http_method', 'rest_endpoint', 'authentication_type', 'oauth2_profile'] },
  // `user`: the OAuth Application User an inbound client (type "client") runs as.
  { table: 'oauth_entity', required: false, fields: ['sys_id', 'name', 'client_id', 'type', 'token_url', 'active', 'default_grant_type', 'user', 'sys_created_on', 'sys_updated_on'] },
  { table: 'oauth_entity_profile', required: false, fields: ['sys_id', 'name', 'oauth_entity', 'grant_type', 'is_default', 'sys_created_on'] },
  // X.509 certificates for mutual TLS / JWT signing: their expiry is a classic integration outage.
  { table: 'sys_certificate', required: false, fields: ['sys_id', 'name', 'type', 'format', 'expires', 'valid_from', 'active', 'subject_common_name', 'sys_created_on'] },
];

export const EVIDENCE_TABLE: TableSpec = {
  table: 'syslog_transaction',
  required: false,
  fields: ['sys_id', 'sys_created_on', 'sys_created_by', 'url', 'type', 'response_status', 'transaction_processing_time'],
};

// What each table produces, for the extraction scope. Cross-entity edges found by the resolver
// (CALLS, INVOKES, RUNS_AS, TRIGGERS_ON, AUTHENTICATES_*) are scoped by the resolver.
export const SERVICENOW_PRODUCES: Record<string, Produces> = {
  sys_user: { nodes: ['human_identity', 'identity'], edges: ['OWNED_BY', 'CREATED_BY'] },
  sys_user_role: { nodes: ['role', 'permission'], edges: ['GRANTS', 'APPLIES_TO'] },
  sys_user_has_role: { nodes: [], edges: ['HAS_ROLE'] },
  sys_user_group: { nodes: ['role'], edges: ['OWNED_BY'] },
  sys_user_grmember: { nodes: [], edges: ['MEMBER_OF'] },
  sys_db_object: { nodes: ['resource'], edges: ['APPLIES_TO'] },
  sys_script: { nodes: ['automation'], edges: ['CREATED_BY'] },
  sys_script_include: { nodes: ['automation'], edges: ['CREATED_BY'] },
  sysauto_script: { nodes: ['automation'], edges: ['CREATED_BY'] },
  sys_hub_flow: { nodes: ['automation'], edges: ['CREATED_BY'] },
  sys_rest_message: { nodes: ['connection'], edges: ['USES'] },
  sys_rest_message_fn: { nodes: [], edges: ['USES'] },
  oauth_entity: { nodes: ['credential'], edges: [] },
  oauth_entity_profile: { nodes: ['credential'], edges: ['USES'] },
  sys_certificate: { nodes: ['credential'], edges: [] },
  syslog_transaction: { nodes: ['execution_evidence'], edges: ['EXECUTES_ON'] },
};
