// The diff engine: pure functions from (previous graph, current graph) to events and changes.
export * from './diff-graphs.ts';
export * from './apply-changes.ts';
export * from './event-ids.ts';
export * from './trigger-relevance.ts';
export * from './hashed-previous.ts';
export * from './fingerprints.ts';
export * from './extraction-summary.ts';
