// Cross-system resolution: EdgeResolver, ownership state, permission actions, business domains.
export * from './edge-resolver.ts';
export * from './auth-edges.ts';
export * from './caller-edges.ts';
export * from './script-references.ts';
export * from './permission-action.ts';
export * from './business-domain.ts';
