// A tiny DOM builder: the dashboard is plain browser JavaScript bundled by esbuild (no framework,
// no JSX step), so it loads fast and stays out of the TypeScript build.

/** h('button', { onclick, class: 'x' }, 'text', child…): attributes starting with "on" are listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const fmtNumber = (n) => Number(n).toLocaleString('en-US');

export function fmtTime(iso) {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
}

/** A definition list of an object's fields; nested values as JSON. */
export function propertyList(obj) {
  const entries = Object.entries(obj ?? {}).filter(([, v]) => v !== undefined && v !== null);
  if (!entries.length) return h('p', { class: 'muted' }, 'none');
  return h(
    'dl',
    { class: 'props' },
    entries.map(([k, v]) => [h('dt', {}, k), h('dd', {}, typeof v === 'object' ? h('code', {}, JSON.stringify(v)) : String(v))]),
  );
}

/** An error shown where the view would be, with the API's code when there is one. */
export function errorBox(error) {
  return h('div', { class: 'error', role: 'alert' }, error.code ? `${error.code}: ` : '', error.message);
}
