import { isIP } from 'node:net';

// DNS rebinding: a page on evil.example resolves its own name to 127.0.0.1 and, same-origin to
// itself, reads what this server answers. The browser still sends `Host: evil.example`, so the
// server answers only the names it is reached by: localhost names, IP literals (no page can rebind
// those: its origin would be the IP itself), and the names an operator configured.

const LOCAL_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost']);

/** The host name of a Host header, without port and brackets, lower case; undefined when unparsable. */
export function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const text = header.trim().toLowerCase();
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    return end > 0 ? text.slice(1, end) : undefined;
  }
  const colon = text.lastIndexOf(':');
  const name = colon >= 0 && /^\d*$/.test(text.slice(colon + 1)) ? text.slice(0, colon) : text;
  return name.replace(/\.$/, '') || undefined;
}

export function isAllowedHost(header: string | undefined, configured: readonly string[]): boolean {
  const name = hostName(header);
  if (!name) return false;
  if (LOCAL_NAMES.has(name) || name.endsWith('.localhost') || isIP(name) !== 0) return true;
  return configured.some((c) => c.toLowerCase() === name);
}
