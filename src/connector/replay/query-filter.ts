// Just enough of the sources' filter languages for replay: time windows and equality, which is
// what the connectors send (Graph `$filter=activityDateTime ge …`, ServiceNow
// `sysparm_query=sys_created_on>…^ORDERBYsys_created_on`). Unknown clauses are ignored, as a
// recording can't evaluate them anyway.

type Row = Record<string, unknown>;
type Test = (row: Row) => boolean;

const asText = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export function odataFilter(filter: string | null): Test {
  if (!filter) return () => true;
  const tests: Test[] = [];
  for (const clause of filter.split(/\s+and\s+/i)) {
    const m = /^\s*([\w/]+)\s+(eq|ge|gt|le|lt)\s+'?([^']*?)'?\s*$/i.exec(clause);
    if (!m) continue;
    const [, field = '', op = '', value = ''] = m;
    tests.push((row) => compare(asText(row[field]), op.toLowerCase(), value));
  }
  return (row) => tests.every((t) => t(row));
}

export function serviceNowQuery(query: string | null): { test: Test; orderBy?: { field: string; desc: boolean } } {
  if (!query) return { test: () => true };
  const tests: Test[] = [];
  let orderBy: { field: string; desc: boolean } | undefined;
  for (const clause of query.split('^')) {
    const order = /^ORDERBY(DESC)?(\w+)$/.exec(clause);
    if (order) {
      // The first ORDERBY is the primary key; later ones only break ties, which fixtures don't have.
      orderBy ??= { field: order[2] ?? '', desc: Boolean(order[1]) };
      continue;
    }
    const m = /^(\w+)(>=|<=|!=|>|<|=)(.*)$/.exec(clause);
    if (!m || (m[3] ?? '').startsWith('javascript:')) continue;
    const [, field = '', op = '', value = ''] = m;
    const ops: Record<string, string> = { '>=': 'ge', '<=': 'le', '>': 'gt', '<': 'lt', '=': 'eq', '!=': 'ne' };
    tests.push((row) => compare(asText(row[field]), ops[op] ?? 'eq', value));
  }
  return { test: (row) => tests.every((t) => t(row)), ...(orderBy ? { orderBy } : {}) };
}

// Timestamps in both sources sort lexically within one format, which the fixtures keep.
function compare(actual: string, op: string, expected: string): boolean {
  const a = normalizeTime(actual);
  const e = normalizeTime(expected);
  switch (op) {
    case 'eq':
      return actual === expected;
    case 'ne':
      return actual !== expected;
    case 'ge':
      return a >= e;
    case 'gt':
      return a > e;
    case 'le':
      return a <= e;
    case 'lt':
      return a < e;
    default:
      return true;
  }
}

const normalizeTime = (v: string): string => v.replace(' ', 'T').replace(/\.\d+/, '').replace(/Z$/, '');
