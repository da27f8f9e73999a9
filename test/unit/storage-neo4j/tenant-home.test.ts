import { describe, expect, it } from 'vitest';
import { HIDDEN_PREFIX, stagedHome } from '../../../src/storage/neo4j/tenant-home.ts';

describe('stagedHome', () => {
  it('is hidden, names its tenant and connector, and is never the home the tenant has now', () => {
    const first = stagedHome('acme', 'entra', 'acme');
    expect(first.startsWith(HIDDEN_PREFIX)).toBe(true);
    expect(first).toContain('acme');
    expect(first).toContain('entra');
    // A tenant that lives at a connector's staged home gets the other one: what is purged before
    // staging is never the tenant's own rows.
    const second = stagedHome('acme', 'entra', first);
    expect(second).not.toBe(first);
    expect(stagedHome('acme', 'entra', second)).toBe(first);
    expect(stagedHome('acme', 'servicenow', 'acme')).not.toBe(first);
  });
});
