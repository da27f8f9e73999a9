import { describe, expect, it } from 'vitest';
import { findScriptReferences, stripComments } from '../../../src/resolve/script-references.ts';

describe('script text references', () => {
  it('finds REST messages with their method, in either quote style', () => {
    const refs = findScriptReferences(`var r = new sn_ws.RESTMessageV2('Microsoft Graph Directory', 'patch user');\nvar s = new sn_ws.RESTMessageV2("Workday Export","post cases");\nvar t = new sn_ws.SOAPMessageV2('Legacy SOAP', 'call');`);
    expect(refs.restCalls).toEqual([
      { kind: 'rest', message: 'Microsoft Graph Directory', method: 'patch user' },
      { kind: 'rest', message: 'Workday Export', method: 'post cases' },
      { kind: 'soap', message: 'Legacy SOAP', method: 'call' },
    ]);
  });

  it('finds script includes instantiated or called statically, not platform APIs', () => {
    const refs = findScriptReferences(`var a = new EntraDirectorySync(); var b = new global.HRUtil(); RiskCalc.score(1); var g = new GlideRecord('incident'); gs.info(JSON.stringify(x)); var d = new GlideDateTime();`);
    expect(refs.classes.sort()).toEqual(['RiskCalc', 'global.HRUtil', 'EntraDirectorySync'].sort());
  });

  it('ignores calls in comments but keeps strings that look like comments', () => {
    const refs = findScriptReferences(`// var old = new sn_ws.RESTMessageV2('Old', 'get');\n/* new LegacyUtil() */\nvar url = "https://graph.microsoft.com"; var x = new LiveUtil();`);
    expect(refs.restCalls).toEqual([]);
    expect(refs.classes).toEqual(['LiveUtil']);
    expect(stripComments(`var u = "http://a//b"; // tail`)).toContain('"http://a//b"');
  });

  it('does not see a message name built at run time (a known limit, stated)', () => {
    expect(findScriptReferences(`var n = 'Microsoft ' + 'Graph'; new sn_ws.RESTMessageV2(n, 'get');`).restCalls).toEqual([]);
  });
});
