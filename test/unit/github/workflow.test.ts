import { describe, expect, it } from 'vitest';
import { ownersOf, parseCodeowners } from '../../../connectors/github/codeowners.ts';
import { oidcClaimSets } from '../../../connectors/github/oidc-claims.ts';
import { parseWorkflow } from '../../../connectors/github/workflow.ts';

// Reading workflow files (never running them): triggers, token permissions, secrets and the
// cloud logins, and the OIDC subjects GitHub would put in their tokens.
const repo = { fullName: 'contoso/app', defaultBranch: 'main' };

describe('parseWorkflow', () => {
  it('reads `on` as a string, a list or a map (YAML 1.2: `on` is not true)', () => {
    expect(parseWorkflow('on: push\njobs: {}').triggers).toEqual([{ event: 'push' }]);
    expect(parseWorkflow('on: [push, workflow_dispatch]\njobs: {}').triggers.map((t) => t.event)).toEqual(['push', 'workflow_dispatch']);
    const map = parseWorkflow("on:\n  push:\n    branches: [main, 'release/**']\n    tags: ['v*']\n  schedule:\n    - cron: '0 3 * * *'\njobs: {}");
    expect(map.triggers).toEqual([{ event: 'push', branches: ['main', 'release/**'], tags: ['v*'] }, { event: 'schedule', cron: ['0 3 * * *'] }]);
  });

  it('job permissions replace the workflow permissions for that job', () => {
    const wf = parseWorkflow(`on: push
permissions: read-all
jobs:
  build:
    steps:
      - uses: azure/login@v2
        with: { client-id: abc }
  deploy:
    permissions:
      id-token: write
    steps:
      - uses: Azure/login@v2
        with: { client-id: def }
`);
    expect(wf.idTokenWrite).toBe(true);
    expect(wf.logins.map((l) => [l.job, l.idToken, l.clientId.value])).toEqual([['build', 'not_granted', 'abc'], ['deploy', 'granted', 'def']]);
  });

  it('finds secrets and variables by reference, not in comments, and never GITHUB_TOKEN', () => {
    const wf = parseWorkflow(`on: push
# \${{ secrets.IN_A_COMMENT }}
jobs:
  a:
    steps:
      - run: echo \${{ secrets.ONE }} \${{ secrets['TWO'] }} \${{ vars.REGION }} \${{ secrets.GITHUB_TOKEN }}
`);
    expect(wf.secretsRead).toEqual(['ONE', 'TWO']);
    expect(wf.variablesRead).toEqual(['REGION']);
  });

  it('secret logins: creds JSON with the client id inside, az login with a password', () => {
    const wf = parseWorkflow(`on: schedule
jobs:
  a:
    steps:
      - uses: azure/login@v1
        with:
          creds: \${{ secrets.AZURE_CREDENTIALS }}
      - run: az login --service-principal -u \${{ vars.APP_ID }} -p "\${{ secrets.APP_SECRET }}" --tenant t
`);
    expect(wf.logins.map((l) => [l.action, l.mode, l.clientId, l.secretNames])).toEqual([
      ['azure/login@v1', 'secret', { kind: 'absent' }, ['AZURE_CREDENTIALS']],
      ['az login', 'secret', { kind: 'variable', name: 'APP_ID' }, ['APP_SECRET']],
    ]);
  });

  it('a file that is not YAML says so instead of throwing', () => {
    expect(parseWorkflow('on: [push\njobs:').parseError).toBeTruthy();
  });
});

describe('oidcClaimSets', () => {
  const claimsOf = (text: string) => {
    const facts = parseWorkflow(text);
    return oidcClaimSets(facts.logins[0]!, facts, repo, '.github/workflows/x.yml').map((c) => [c.sub, c.pattern]);
  };
  const login = "    steps:\n      - uses: azure/login@v2\n        with: { client-id: abc }\n";
  it('environment wins over the event; pull_request has its own subject; branches give refs', () => {
    expect(claimsOf(`on: [push, pull_request]\npermissions: { id-token: write }\njobs:\n  a:\n    environment: prod\n${login}`)).toEqual([['repo:contoso/app:environment:prod', false]]);
    expect(claimsOf(`on:\n  pull_request:\n  push:\n    branches: [main]\njobs:\n  a:\n${login}`)).toEqual([
      ['repo:contoso/app:pull_request', false],
      ['repo:contoso/app:ref:refs/heads/main', false],
    ]);
  });
  it('a push without filters may come from any branch or tag; dispatch is assumed on the default branch', () => {
    expect(claimsOf(`on: [push, workflow_dispatch]\njobs:\n  a:\n${login}`)).toEqual([
      ['repo:contoso/app:ref:refs/heads/**', true],
      ['repo:contoso/app:ref:refs/tags/**', true],
      ['repo:contoso/app:ref:refs/heads/main', false],
    ]);
  });
});

describe('CODEOWNERS', () => {
  it('the last matching rule wins; anchored and directory patterns', () => {
    const rules = parseCodeowners('* @everyone\n/.github/workflows/ @platform-lead @contoso/platform\n*.md @docs # docs\n');
    expect(ownersOf(rules, '.github/workflows/deploy.yml')).toEqual(['@platform-lead', '@contoso/platform']);
    expect(ownersOf(rules, 'src/.github/workflows/x.yml')).toEqual(['@everyone']);
    expect(ownersOf(rules, 'README.md')).toEqual(['@docs']);
  });
});
