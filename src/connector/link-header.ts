// RFC 8288 Link header: `<url>;rel="next",<url>;rel="last"`. ServiceNow and GitHub page with it.
export function parseLinkHeader(header: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  if (!header) return links;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /<([^>]*)>\s*((?:;\s*[^;]+)*)/.exec(part.trim());
    if (!match) continue;
    const rel = /;\s*rel="?([^";]+)"?/i.exec(match[2] ?? '');
    if (rel?.[1]) for (const name of rel[1].split(/\s+/)) links[name.toLowerCase()] = match[1] ?? '';
  }
  return links;
}

export function formatLinkHeader(links: Record<string, string>): string {
  return Object.entries(links)
    .map(([rel, url]) => `<${url}>;rel="${rel}"`)
    .join(',');
}
