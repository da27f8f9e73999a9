// CODEOWNERS (github.com/<org>/<repo>/.github/CODEOWNERS): the last matching pattern wins, as
// GitHub applies it. Used to say who answers for a workflow file; teams (@org/team) are kept
// apart from people because only people can own in the model.

export interface CodeownersRule {
  pattern: string;
  owners: string[];
}

export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const [pattern, ...owners] = line.split(/\s+/);
    if (pattern) rules.push({ pattern, owners: owners.filter((o) => o.startsWith('@') || o.includes('@')) });
  }
  return rules;
}

/** Owners of a file path: the last rule whose pattern matches it. */
export function ownersOf(rules: readonly CodeownersRule[], path: string): string[] {
  let owners: string[] = [];
  for (const rule of rules) if (patternMatches(rule.pattern, path)) owners = rule.owners;
  return owners;
}

function patternMatches(pattern: string, path: string): boolean {
  const anchored = pattern.startsWith('/');
  let p = pattern.replace(/^\//, '');
  if (p.endsWith('/')) p = `${p}**`;
  const re = p
    .split('**')
    .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))
    .join('.*');
  const body = `${re}(/.*)?`;
  return new RegExp(anchored || p.includes('/') ? `^${body}$` : `(^|.*/)${body}$`).test(path);
}
