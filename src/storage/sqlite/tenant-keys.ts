import type { Database, Statement } from 'better-sqlite3';

// Rows and index entries carry a tenant's key, not its id (schema 6). A tenant id is a directory
// GUID or a name (36 bytes for a GUID), and it stood in every row and at the head of every index
// entry: some 30 million entries for a 1M-node tenant's first sync. A key is a short number as
// text ('1', '2', …) given on the tenant's first write. A file made before schema 6 keeps its
// rows: each tenant stored then is its own key, and a number a stored tenant already uses as its
// id is never given to another tenant.
//
// The adapter turns ids into keys at its edges (every statement binds the key) and keys back into
// ids where a row's tenant is read (events and messages of every tenant, for the relay).

/** The key of a tenant that has none: it has never written, so no row carries it. */
const NO_TENANT = '\u0000';

export class TenantKeys {
  private readonly keys = new Map<string, string>();
  private readonly names = new Map<string, string>();
  private readonly s: ReturnType<typeof prepare>;
  /**
   * True inside a write transaction. A key read or made there is not remembered: the
   * transaction may still roll back, and a remembered key that was never committed could later
   * be given by another process to another tenant.
   */
  writing = false;

  constructor(db: Database) {
    this.s = prepare(db);
  }

  /** The key a tenant's rows carry; for a tenant with no rows, one that no row carries. */
  keyOf(tenantId: string): string {
    const known = this.keys.get(tenantId);
    if (known !== undefined) return known;
    const key = this.s.keyOf.get(tenantId) as string | undefined;
    if (key === undefined) return NO_TENANT;
    this.remember(tenantId, key);
    return key;
  }

  /** Inside a write transaction: the tenant's key, given now on its first write. */
  keyForWrite(tenantId: string): string {
    const key = this.keyOf(tenantId);
    if (key !== NO_TENANT) return key;
    for (let n = (this.s.count.get() as number) + 1; ; n++) {
      // A stored tenant (from before schema 6) may already use this number as its id and key.
      if (this.s.add.run(tenantId, String(n)).changes === 1) return String(n);
      const added = this.s.keyOf.get(tenantId) as string | undefined;
      if (added !== undefined) return added;
    }
  }

  /** The tenant id of a row's key. */
  idOf(key: string): string {
    const known = this.names.get(key);
    if (known !== undefined) return known;
    const name = this.s.idOf.get(key) as string | undefined;
    if (name === undefined) return key; // not registered: a row written before schema 6 by this id
    this.remember(name, key);
    return name;
  }

  private remember(tenantId: string, key: string): void {
    if (this.writing) return;
    this.keys.set(tenantId, key);
    this.names.set(key, tenantId);
  }
}

function prepare(db: Database) {
  const p = (sql: string): Statement => db.prepare(sql);
  return {
    keyOf: p('SELECT key FROM tenants WHERE name = ?').pluck(),
    idOf: p('SELECT name FROM tenants WHERE key = ?').pluck(),
    count: p('SELECT count(*) FROM tenants').pluck(),
    add: p('INSERT OR IGNORE INTO tenants (name, key) VALUES (?, ?)'),
  };
}

/** Tables whose rows carry a tenant. */
const TENANT_TABLES = ['nodes', 'edges', 'node_history', 'edge_history', 'events', 'sync_states', 'outbox', 'tenant_versions'] as const;

/** Upgrade to schema 6, inside its transaction: every tenant a row carries keeps its id as its key. */
export function keepStoredTenantsAsKeys(db: Database): void {
  const stored = TENANT_TABLES.map((table) => `SELECT DISTINCT tenant FROM ${table}`).join(' UNION ');
  db.prepare(`INSERT OR IGNORE INTO tenants (name, key) SELECT tenant, tenant FROM (${stored})`).run();
}
