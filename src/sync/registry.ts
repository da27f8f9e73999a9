import { entraIdConnector } from '../../connectors/entra-id/index.ts';
import { gitHubConnector } from '../../connectors/github/index.ts';
import { serviceNowConnector } from '../../connectors/servicenow/index.ts';
import type { Connector } from '../connector/types.ts';

// Connector types a config file may name. Adding a source = one folder under connectors/ + one line here.
export const CONNECTOR_TYPES = {
  entra_id: entraIdConnector,
  servicenow: serviceNowConnector,
  github: gitHubConnector,
} as const satisfies Record<string, Connector>;

export type ConnectorTypeName = keyof typeof CONNECTOR_TYPES;
