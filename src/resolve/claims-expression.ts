// Entra's claims matching expressions (flexible federated identity credentials, language
// version 1): `claims['sub'] matches 'repo:contoso/*:ref:refs/heads/main'`, `eq` for exact
// values, clauses joined by `and` / `or` (`and` binds tighter). In `matches`, `*` stands for
// any run of characters and `?` for one. Anything else is refused as unsupported: a credential
// whose rule we cannot read is reported unmatched, never matched by guess.

export type ExpressionResult = { ok: true; matches: boolean } | { ok: false; error: string };

const CLAUSE = /^claims\s*\[\s*'([^']+)'\s*\]\s+(eq|matches)\s+'((?:[^'\\]|\\.)*)'$/i;

export function evaluateClaimsExpression(expression: string, claims: Readonly<Record<string, string>>): ExpressionResult {
  const disjuncts = splitOutsideQuotes(expression.trim(), 'or');
  let any = false;
  for (const disjunct of disjuncts) {
    let all = true;
    for (const clause of splitOutsideQuotes(disjunct, 'and')) {
      const m = CLAUSE.exec(clause.trim());
      if (!m) return { ok: false, error: `unsupported clause: ${clause.trim().slice(0, 80)}` };
      const [, name = '', op = '', raw = ''] = m;
      const value = raw.replace(/\\(.)/g, '$1');
      const actual = claims[name];
      const hit = actual !== undefined && (op.toLowerCase() === 'eq' ? actual === value : wildcard(value).test(actual));
      all &&= hit;
    }
    any ||= all;
  }
  return { ok: true, matches: any };
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/** Split on a keyword surrounded by spaces, ignoring it inside single-quoted strings. */
function splitOutsideQuotes(text: string, keyword: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  const re = new RegExp(`^\\s+${keyword}\\s+`, 'i');
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === "'") quoted = !quoted;
    if (quoted) continue;
    const m = re.exec(text.slice(i));
    if (m && /\s/.test(ch ?? '')) {
      parts.push(text.slice(start, i));
      i += m[0].length - 1;
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
