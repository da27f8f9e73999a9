import type { BusinessDomain, SensitivityLevel } from '../model/index.ts';

// Resource name → business domain (seed 003 "Business Domain Classification"). A pattern `hr_*`
// matches `hr` and anything starting `hr_`; scoped-app prefixes (`sn_`, `x_<vendor>_`, `u_`) are
// stripped first so `sn_hr_core_case` is HR. The source's own classification (config
// tableClassification) always wins over the name.

const PREFIXES: Array<[BusinessDomain, string[]]> = [
  ['hr', ['hr', 'employee', 'payroll', 'benefits']],
  ['finance', ['fin', 'invoice', 'payment', 'budget', 'gl']],
  ['customer', ['customer', 'account', 'opportunity', 'case']],
  ['it_ops', ['incident', 'problem', 'change', 'cmdb']],
  ['security', ['sec', 'audit', 'compliance', 'policy']],
  ['engineering', ['repo', 'pipeline', 'build', 'deploy']],
];

export interface DomainClassification {
  businessDomain: BusinessDomain;
  sensitivity: SensitivityLevel;
  containsPii?: boolean;
  containsFinancialData?: boolean;
  basis: 'configured' | 'name_pattern' | 'default';
}

export interface ConfiguredClassification {
  domain: BusinessDomain;
  sensitivity?: SensitivityLevel;
  pii?: boolean;
  financial?: boolean;
}

export function classifyByName(name: string): BusinessDomain {
  const bare = name.toLowerCase().replace(/^(x_[a-z0-9]+_|sn_|u_)/, '');
  for (const [domain, prefixes] of PREFIXES) {
    if (prefixes.some((p) => bare === p || bare.startsWith(`${p}_`))) return domain;
  }
  return 'unknown';
}

// Domains whose data is confidential by default; the rest is internal until configured otherwise.
const CONFIDENTIAL: ReadonlySet<BusinessDomain> = new Set(['hr', 'finance', 'customer', 'security', 'legal', 'executive']);

export function classifyResource(
  name: string,
  configured: Readonly<Record<string, ConfiguredClassification>> = {},
): DomainClassification {
  const own = configured[name];
  if (own) {
    return {
      businessDomain: own.domain,
      sensitivity: own.sensitivity ?? (CONFIDENTIAL.has(own.domain) ? 'confidential' : 'internal'),
      ...(own.pii !== undefined ? { containsPii: own.pii } : {}),
      ...(own.financial !== undefined ? { containsFinancialData: own.financial } : {}),
      basis: 'configured',
    };
  }
  const domain = classifyByName(name);
  return {
    businessDomain: domain,
    sensitivity: CONFIDENTIAL.has(domain) ? 'confidential' : 'internal',
    ...(domain === 'hr' ? { containsPii: true } : {}),
    ...(domain === 'finance' ? { containsFinancialData: true } : {}),
    basis: domain === 'unknown' ? 'default' : 'name_pattern',
  };
}
