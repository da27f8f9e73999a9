import { writeFileSync } from 'node:fs';
import { syntheticTenant } from './synthetic/tenant.ts';
const n = Number(process.argv[2]);
writeFileSync(`/tmp/g${n}.json`, JSON.stringify(syntheticTenant({ nodes: n, seed: 1, tenantId: 'p' })));
