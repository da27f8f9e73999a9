// What a ServiceNow server script calls, found by reading its text (seed 003 EdgeResolver
// "resolve_caller_edges ... by script-text search"). Comments are removed first so a commented-out
// call is not a call. This is evidence, not proof: a name built at run time is not seen.

export interface RestCall {
  message: string;
  method?: string;
  kind: 'rest' | 'soap';
}

export interface ScriptReferences {
  restCalls: RestCall[];
  /** Identifiers instantiated (`new Foo()`, `new global.Foo()`) or called statically (`Foo.bar()`). */
  classes: string[];
}

// Groups: 1 = API, 2/3 = quote and message name, 4/5 = quote and method name.
const REST = /new\s+sn_ws\.(RESTMessageV2|SOAPMessageV2)\s*\(\s*(['"])((?:\\.|(?!\2).)*)\2(?:\s*,\s*(['"])((?:\\.|(?!\4).)*)\4)?/g;
const NEW_CLASS = /new\s+((?:[A-Za-z_$][\w$]*\.)?[A-Za-z_$][\w$]*)\s*\(/g;
const STATIC_CALL = /(?<![\w$.])((?:[A-Za-z_$][\w$]*\.)?[A-Z][\w$]*)\.[a-z_$][\w$]*\s*\(/g;
// Platform APIs that look like classes but are never script includes.
const PLATFORM = new Set(['GlideRecord', 'GlideRecordSecure', 'GlideAggregate', 'GlideDateTime', 'GlideSystem', 'GlideAjax', 'GSLog', 'JSON', 'Math', 'Object', 'Array', 'String', 'Date', 'Class', 'RegExp', 'Number', 'Error', 'GlideElement', 'GlideFilter', 'GlideSysAttachment', 'GlideEmailOutbound', 'XMLDocument2', 'GlideStringUtil', 'GlideEncrypter']);

export function stripComments(script: string): string {
  // Keeps strings intact (a URL "https://x" is not a comment) by matching them first.
  return script.replace(/("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\])*`)|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (_match, str: string | undefined) => str ?? ' ');
}

export function findScriptReferences(script: string): ScriptReferences {
  const code = stripComments(script);
  const restCalls: RestCall[] = [];
  for (const m of code.matchAll(REST)) {
    restCalls.push({ kind: m[1] === 'SOAPMessageV2' ? 'soap' : 'rest', message: m[3] ?? '', ...(m[5] !== undefined ? { method: m[5] } : {}) });
  }
  const classes = new Set<string>();
  for (const m of code.matchAll(NEW_CLASS)) add(m[1]);
  for (const m of code.matchAll(STATIC_CALL)) add(m[1]);
  return { restCalls, classes: [...classes] };

  function add(name: string | undefined): void {
    if (!name || name.startsWith('sn_ws.')) return;
    const bare = name.split('.').pop() ?? name;
    if (!PLATFORM.has(bare) && !/^Glide/.test(bare)) classes.add(name);
  }
}
