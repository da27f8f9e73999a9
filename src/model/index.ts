// The normalized schema: the single source of truth. TypeScript types come from z.infer.
export * from './common.ts';
export * from './enums.ts';
export * from './node.ts';
export * from './edge.ts';
export * from './graph.ts';
export * from './events.ts';
export * from './queries.ts';
export * from './sync-state.ts';
export * from './ids.ts';
export * from './legacy.ts';
export * from './secrets.ts';
export * from './validate.ts';
export * from './hash.ts';
export * from './changes.ts';
export * from './outbox.ts';
export * from './drift.ts';
export * from './resolver-hints.ts';
