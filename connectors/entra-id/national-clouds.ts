// Microsoft Graph national clouds (learn.microsoft.com "National cloud deployments"): the Graph
// host, the token audience for the client credentials grant, and the Entra authority. A token
// request must name the Graph resource of its cloud (`<resource>/.default`); any other value is
// refused with AADSTS500011 ("resource principal not found"). A graphBaseUrl on any other host
// (a proxy, a mock, the replay server) still talks to a Graph whose tokens come from the global
// cloud, so its default scope is the global one; `graphScope` overrides.

export interface NationalCloud {
  name: string;
  graphHost: string;
  scope: string;
  authorityUrl: string;
}

export const NATIONAL_CLOUDS: readonly NationalCloud[] = [
  { name: 'global', graphHost: 'graph.microsoft.com', scope: 'https://graph.microsoft.com/.default', authorityUrl: 'https://login.microsoftonline.com' },
  { name: 'us_gov_l4', graphHost: 'graph.microsoft.us', scope: 'https://graph.microsoft.us/.default', authorityUrl: 'https://login.microsoftonline.us' },
  { name: 'us_gov_l5_dod', graphHost: 'dod-graph.microsoft.us', scope: 'https://dod-graph.microsoft.us/.default', authorityUrl: 'https://login.microsoftonline.us' },
  { name: 'china_21vianet', graphHost: 'microsoftgraph.chinacloudapi.cn', scope: 'https://microsoftgraph.chinacloudapi.cn/.default', authorityUrl: 'https://login.chinacloudapi.cn' },
];

const GLOBAL = NATIONAL_CLOUDS[0]!;

/** The national cloud of a Graph base URL; the global cloud for any other host. */
export function cloudOf(graphBaseUrl: string): NationalCloud {
  const host = new URL(graphBaseUrl).hostname.toLowerCase();
  return NATIONAL_CLOUDS.find((c) => c.graphHost === host) ?? GLOBAL;
}
