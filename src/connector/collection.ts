import type { DateTime } from '../model/index.ts';
import { ConnectorError } from './errors.ts';
import type { ErrorLog } from './partial-errors.ts';
import type { CollectionStatus } from './types.ts';

// Reading one source collection (a Graph resource, a ServiceNow table) to the end, and turning how
// it ended into a CollectionStatus. Only a collection read to its last page is `complete`; the
// extraction scope (and so the diff's right to delete) is built from these.

export interface CollectionSpec {
  name: string;
  /**
   * A required collection that fails fatally (forbidden, a rejected request) aborts the run; an
   * optional one is reported unavailable with the reason, whatever the error, except bad credentials.
   */
  required: boolean;
  /**
   * A source never has zero of these (every tenant has users, every instance tables). Zero means
   * the source answered wrongly, so the collection is kept out of the extraction scope and the
   * existing graph is not deleted.
   */
  expectNonEmpty?: boolean;
  /** Field holding the record's creation time, for oldestRecord. */
  timestampField?: string;
  /** Source-specific reading of an error, e.g. ServiceNow's 400 "Invalid table" = not enabled. */
  classify?: (error: ConnectorError) => CollectionStatus['status'] | undefined;
}

export type Record_ = Record<string, unknown>;

export async function readCollection(
  spec: CollectionSpec,
  pages: AsyncIterable<Record_[]>,
  log: ErrorLog,
): Promise<{ records: Record_[]; status: CollectionStatus }> {
  const records: Record_[] = [];
  const done = (status: Omit<CollectionStatus, 'collection' | 'recordCount' | 'oldestRecord'>) => ({
    records,
    status: { collection: spec.name, recordCount: records.length, ...oldest(records, spec.timestampField), ...status },
  });
  try {
    for await (const page of pages) records.push(...page);
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error;
    const read = records.length ? `; ${records.length} record(s) read before it` : '';
    const classified = spec.classify?.(error);
    if (classified && classified !== 'failed') {
      log.warn(`${spec.name}: ${classified} (${error.message})`);
      return done({ complete: false, status: classified, notes: `${error.message}${read}` });
    }
    // Only a required collection can fail the connector. An optional one that the source will not
    // serve (forbidden, not there, a request it rejects, a server that keeps failing) is reported
    // unavailable with the reason, and the run goes on. Bad credentials stay fatal everywhere.
    if (!spec.required && error.type !== 'AUTH_FAILURE') {
      const status = unavailableStatus(error);
      if (status === 'unavailable_error') log.record(`read ${spec.name}`, error);
      else log.warn(`${spec.name}: ${status} (${error.message})`);
      return done({ complete: false, status, notes: `${error.message}${read}` });
    }
    if (error.errorClass === 'FATAL') throw error;
    // Retries exhausted or a bad page: keep what was read, mark the collection incomplete.
    log.record(`read ${spec.name}`, error);
    return done({ complete: false, status: 'failed', notes: error.message });
  }
  if (spec.expectNonEmpty && records.length === 0) {
    log.warn(`${spec.name}: returned no records; treated as incomplete so the existing graph is kept`);
    return done({ complete: false, status: 'available', notes: 'empty response treated as incomplete' });
  }
  return done({ complete: true, status: 'available' });
}

/** How an optional collection's failure reads in evidence completeness. */
export function unavailableStatus(error: ConnectorError): CollectionStatus['status'] {
  if (error.status === 403) return 'unavailable_no_access';
  if (error.status === 404 || error.status === 410) return 'unavailable_not_enabled';
  return 'unavailable_error';
}

function oldest(records: Record_[], field?: string): { oldestRecord?: DateTime } {
  if (!field) return {};
  let min: number | undefined;
  for (const r of records) {
    const t = toEpoch(r[field]);
    if (t !== undefined && (min === undefined || t < min)) min = t;
  }
  return min === undefined ? {} : { oldestRecord: new Date(min).toISOString() };
}

/** ISO strings and ServiceNow's "yyyy-MM-dd HH:mm:ss" (UTC in the Table API) both parse. */
export function toEpoch(value: unknown): number | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value) ? `${value.replace(' ', 'T')}Z` : value;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

export function toIso(value: unknown): DateTime | undefined {
  const t = toEpoch(value);
  return t === undefined ? undefined : new Date(t).toISOString();
}
