import { parseArgs } from 'node:util';
import { EventQuery, parseOrThrow } from '../../model/index.ts';
import { intOption, tenantOf } from '../command.ts';
import type { Command } from '../command.ts';

export const eventsCommand: Command = {
  name: 'events',
  summary: 'list stored change events',
  usage: 'authgraph events --tenant <id> [--entity <nodeId>] [--type <eventType>] [--since <iso>] [--limit N] [--desc] [--json]',
  async run(args, ctx) {
    const { values } = parseArgs({
      args,
      options: {
        tenant: { type: 'string' },
        entity: { type: 'string' },
        type: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        limit: { type: 'string' },
        desc: { type: 'boolean' },
        json: { type: 'boolean' },
      },
    });
    const query = parseOrThrow(
      EventQuery,
      {
        entityId: values.entity,
        eventType: values.type,
        since: values.since,
        until: values.until,
        limit: intOption(values.limit, '--limit', 50),
        orderBy: values.desc ? 'desc' : 'asc',
      },
      'event query',
    );
    const events = await (await ctx.storage()).queryEvents(tenantOf(values, ctx), query);
    if (values.json) {
      ctx.out(JSON.stringify(events, null, 2));
      return 0;
    }
    for (const e of events) {
      const rel = e.relationshipType ? ` ${e.relationshipType} → ${e.targetEntityId}` : '';
      const changed = e.changedProperties?.length ? ` (${e.changedProperties.join(', ')})` : '';
      ctx.out(`${e.timestamp}  ${e.eventType.padEnd(20)} ${e.entityType.padEnd(18)} ${e.entityId}${rel}${changed}`);
    }
    ctx.out(`${events.length} event(s)`);
    return 0;
  },
};
