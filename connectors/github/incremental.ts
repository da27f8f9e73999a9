import type { ConnectorConfig, RawExtraction } from '../../src/connector/types.ts';
import { gitHubApi } from './client.ts';
import type { GitHubSettings } from './config.ts';
import { decodeEtags, encodeEtags, extractGitHub } from './extract.ts';

// Incremental sync by conditional requests: every URL the last full read touched is asked again
// with its ETag. GitHub answers 304 Not Modified (not counted against the rate limit) for what
// did not change. All 304: nothing changed, an empty delta. Anything changed, or no token: a
// full read, returned as a full extraction so its deletions count (the caller diffs it whole).

export async function extractGitHubIncremental(config: ConnectorConfig, settings: GitHubSettings, syncId: string, deltaToken?: string): Promise<RawExtraction> {
  const api = gitHubApi(config, settings);
  const etags = decodeEtags(deltaToken);
  if (etags && etags.size > 0) {
    let changed = false;
    for (const [url, etag] of etags) {
      if (await api.changedSince(url, etag)) {
        changed = true;
        break;
      }
    }
    if (!changed) {
      const extractedAt = (config.runtime?.now?.() ?? new Date()).toISOString();
      return {
        syncId,
        connectorId: config.connectorId,
        tenantId: config.tenantId,
        extractedAt,
        sourceScope: `github.com/${settings.sourceConfig.organization.toLowerCase()}`,
        syncMode: 'incremental',
        entities: [],
        relationships: [],
        metadata: { apiCallCount: api.http.stats.apiCalls, totalEntitiesDiscovered: 0, paginationComplete: true, errors: [], warnings: [`${etags.size} resources unchanged (304)`], collections: {}, retries: api.http.stats.retries, durationMs: 0 },
        deltaToken: encodeEtags(etags),
        transformSettings: { organization: settings.sourceConfig.organization, oidcIssuer: settings.sourceConfig.oidcIssuer },
      };
    }
  }
  const full = await extractGitHub(config, settings, { syncId, syncMode: 'full' }, api);
  return full;
}
