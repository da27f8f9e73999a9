import { describe, expect, it } from 'vitest';
import { escapeHtml, html } from '../../../src/evidence/html.ts';

describe('html tag', () => {
  it('escapes interpolations, keeps nested html and joins lists', () => {
    const name = `<b onclick="x">Tom & 'Jerry'</b>`;
    const out = html`<p title="${name}">${name}</p>${[html`<i>${'a<b'}</i>`, '<u>']}${null}${undefined}${false}${0}`;
    expect(out.text).toBe(
      '<p title="&lt;b onclick=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/b&gt;">&lt;b onclick=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/b&gt;</p><i>a&lt;b</i>&lt;u&gt;0',
    );
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });
});
