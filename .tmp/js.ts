import { z } from 'zod';
import { GraphEventEnvelope, SyncCompletedEnvelope } from '../src/events/envelope.ts';
console.log(JSON.stringify(z.toJSONSchema(SyncCompletedEnvelope, { io: 'output' }), null, 1).slice(0, 3000));
console.log(JSON.stringify(z.toJSONSchema(GraphEventEnvelope, { io: 'output' })).length);
