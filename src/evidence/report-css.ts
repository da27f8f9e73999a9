import { SafeHtml } from './html.ts';

// The report's only styling, inlined (the report must open offline, with no external asset).
// Trusted markup: a constant, never data.
export const REPORT_CSS = new SafeHtml(`
:root { color-scheme: light; --line: #c9ced6; --muted: #5b6472; --warn: #9a3412; --ok: #166534; --bad: #991b1b; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111827; background: #f6f7f9; }
header, main, footer { max-width: 1100px; margin: 0 auto; padding: 16px 24px; }
header { background: #fff; border-bottom: 1px solid var(--line); }
h1 { margin: 0 0 4px; font-size: 24px; }
h2 { margin: 32px 0 12px; font-size: 19px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { margin: 0 0 8px; font-size: 16px; }
h4 { margin: 8px 0 4px; font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; word-break: break-all; }
pre { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap; word-break: break-all; background: #f3f4f6; padding: 8px; }
.subtitle { margin: 0 0 12px; font-size: 16px; color: var(--muted); }
.muted { color: var(--muted); font-weight: normal; font-size: 13px; }
.warn { color: var(--warn); font-weight: 600; }
nav { margin-top: 12px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; vertical-align: top; padding: 3px 6px; border-bottom: 1px solid #e5e7eb; word-break: break-word; }
table.props th, table.meta th { width: 34%; color: var(--muted); font-weight: 500; }
table.meta { max-width: 760px; }
table.list thead th { background: #eef0f3; }
.chain { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px; margin-bottom: 24px; }
.chain-meta { color: var(--muted); margin-top: 0; }
ol.hops { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; align-items: stretch; }
li.node { border: 2px solid #3b5b9a; border-radius: 8px; padding: 10px 14px; background: #f8faff; }
li.node-identity { border-color: #7c3aed; background: #faf7ff; }
li.node-credential { border-color: #b45309; background: #fffaf2; }
li.edge { margin: 0 0 0 40px; border-left: 4px solid #94a3b8; padding: 8px 14px; background: #fff; }
.edge-type { font-weight: 700; font-size: 15px; }
.arrow { color: #64748b; font-size: 18px; }
.kind { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.name { font-weight: 700; font-size: 16px; }
.id { color: var(--muted); margin: 2px 0; }
.badges { margin: 4px 0; }
.evidence { border: 1px dashed var(--line); border-radius: 6px; padding: 4px 10px; margin-top: 6px; background: #fcfcfd; }
.refs, .cross { margin: 6px 0; }
.owners { margin-top: 6px; }
.block { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin-bottom: 12px; }
.badge { display: inline-block; white-space: nowrap; padding: 0 7px; border-radius: 9px; font-size: 12px; font-weight: 600; background: #e5e7eb; color: #374151; }
.badge-active, .badge-owned, .badge-complete, .badge-completed { background: #dcfce7; color: var(--ok); }
.badge-orphaned, .badge-disputed, .badge-inactive, .badge-incomplete, .badge-privileged, .badge-expired, .badge-failed, .badge-deleted, .badge-disabled { background: #fee2e2; color: var(--bad); }
.badge-unattributed, .badge-partial { background: #fef3c7; color: var(--warn); }
ul.signals { margin: 4px 0 0; padding-left: 18px; }
footer { color: var(--muted); font-size: 12px; }
`);
