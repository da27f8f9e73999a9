import { shortHash } from '../model/index.ts';
import type { DriftFindingType } from '../model/index.ts';

/** Deterministic: the same subject and evidence always give the same id, whatever the window. */
export function findingId(tenantId: string, type: DriftFindingType, parts: readonly string[]): string {
  return `fnd_${shortHash([tenantId, type, ...parts].join('\u0000'), 32)}`;
}
