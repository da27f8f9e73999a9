import type { AuditAction } from '../audit/audit-envelope.ts';
import type { AuditTrail } from '../audit/audit-trail.ts';
import type { Principal } from './auth/api-keys.ts';
import type { Deadline } from './deadline.ts';
import type { HeavyWorkGate } from './heavy-work.ts';
import type { Loaders } from './loaders.ts';
import type { SyncLauncher } from './sync-launcher.ts';
import type { TenantScope } from './tenant-scope.ts';

/** What every resolver gets: who is calling, their tenant's storage, and this request's loaders. */
export interface ApiContext {
  principal: Principal;
  scope: TenantScope;
  loaders: Loaders;
  deadline: Deadline;
  /** This request's audit trail (one conversation and trace id for every record it writes). */
  audit: AuditTrail;
  /** Records an action, never failing the request (an audit write that fails is logged). */
  note: (action: AuditAction) => Promise<void>;
  /** The concurrency cap for expensive fields (heavy-work.ts). */
  heavy?: HeavyWorkGate;
  /** Present when the server was given connector instances to sync. */
  syncs?: SyncLauncher;
}
