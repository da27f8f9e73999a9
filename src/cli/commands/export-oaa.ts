import { writeFile } from 'node:fs/promises';
import { buildOaaPayload } from '../../oaa/build-oaa-payload.ts';
import { UsageError, tenantOf } from '../command.ts';
import type { CliContext } from '../command.ts';

export const OAA_USAGE = 'authgraph export oaa --tenant <id> [--as-of <iso time | syncId>] --out <file.json>';

/** `authgraph export oaa`: the tenant as a Veza OAA Custom Application payload, in one JSON file. */
export async function exportOaa(values: { tenant?: string | undefined; 'as-of'?: string | undefined; out?: string | undefined }, ctx: CliContext): Promise<number> {
  if (!values.out) throw new UsageError('name the output file with --out');
  const tenantId = tenantOf(values, ctx);
  const result = await buildOaaPayload(await ctx.storage(), tenantId, values['as-of'] ? { asOf: values['as-of'] } : {});
  await writeFile(values.out, `${JSON.stringify(result.payload, null, 2)}\n`);
  const s = result.summary;
  ctx.out(`wrote an OAA custom application payload to ${values.out} (graph ${result.asOf ? `as of ${result.asOf}` : 'now'})`);
  ctx.out(`  ${s.localUsers} local user(s), ${s.localRoles} local role(s), ${s.permissions} permission(s), ${s.resources} resource(s), ${s.bindings} identity binding(s)`);
  if (s.mappedByScope) ctx.out(`  ${s.mappedByScope} permission(s) mapped to an OAA type by their scope (data vs metadata, app vs system admin)`);
  if (s.notExported.credentialGrants) ctx.out(`  not exported: ${s.notExported.credentialGrants} role/permission grant(s) held by credentials (no place in the template)`);
  if (s.notExported.danglingEdges) ctx.out(`  not exported: ${s.notExported.danglingEdges} grant(s) to nodes not live at that moment`);
  return 0;
}
