import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseOrThrow } from '../model/index.ts';

// Where each tenant's graph lives when one Neo4j server is not enough and the deployment runs
// Community servers (no clustering): a map of named servers and of tenants to server names,
// read once at start and validated, so a typo stops the process instead of sending a tenant's
// writes to the wrong server. An Enterprise or Aura cluster needs none of this: one neo4j://
// routing URI in NEO4J_URI, used unchanged (docs/scale.md).
//
//   { "servers": { "a": { "uri": "bolt://graph-a:7687" }, "b": { "uri": "bolt://graph-b:7687" } },
//     "default": "a",
//     "tenants": { "acme": "b" } }

const ServerName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a server name is letters, digits, _ . - (at most 64)');

const PlacementFile = z
  .object({
    servers: z
      .record(
        ServerName,
        z
          .object({
            uri: z.string().regex(/^(bolt|neo4j)(\+s|\+ssc)?:\/\/[^/\s]+$/, 'use bolt://host:port (one server) or neo4j://host:port (a cluster)'),
          })
          .strict(),
      )
      .refine((servers) => Object.keys(servers).length > 0, 'name at least one server'),
    /** Tenants not listed live here; also where leases (one relay, one run per instance) are kept. */
    default: ServerName,
    tenants: z.record(z.string().min(1), ServerName).default({}),
  })
  .strict()
  .superRefine((file, ctx) => {
    if (!(file.default in file.servers)) ctx.addIssue({ code: 'custom', path: ['default'], message: `"${file.default}" is not among the servers` });
    for (const [tenant, server] of Object.entries(file.tenants)) {
      if (!(server in file.servers)) ctx.addIssue({ code: 'custom', path: ['tenants', tenant], message: `"${server}" is not among the servers` });
    }
    const uris = Object.values(file.servers).map((s) => s.uri);
    if (new Set(uris).size !== uris.length) ctx.addIssue({ code: 'custom', path: ['servers'], message: 'two servers have the same uri' });
  });

export type PlacementFile = z.output<typeof PlacementFile>;

/** A validated placement: which server a tenant's data is on. */
export class TenantPlacement {
  private constructor(private readonly file: PlacementFile) {}

  static parse(input: unknown, source = 'tenant placement'): TenantPlacement {
    return new TenantPlacement(parseOrThrow(PlacementFile, input, source));
  }

  static fromFile(path: string): TenantPlacement {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`tenant placement ${path} could not be read as JSON: ${(error as Error).message}`, { cause: error });
    }
    return TenantPlacement.parse(json, `tenant placement ${path}`);
  }

  /** Server names, the default first. */
  get serverNames(): string[] {
    return [this.file.default, ...Object.keys(this.file.servers).filter((n) => n !== this.file.default)];
  }

  get defaultServer(): string {
    return this.file.default;
  }

  uriOf(server: string): string {
    const entry = this.file.servers[server];
    if (!entry) throw new Error(`no server "${server}" in the tenant placement`);
    return entry.uri;
  }

  serverOf(tenantId: string): string {
    return this.file.tenants[tenantId] ?? this.file.default;
  }
}
