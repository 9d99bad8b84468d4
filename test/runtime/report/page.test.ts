// The report page without a browser: escaping, embedded JSON, links, and the self-contained file.
import { esc, jsonForScript, relativeHref, renderPage } from '../../../runtime/report/page';
import { HOSTILE } from './fixtures';

describe('the report page', () => {
  test('esc leaves no markup and no way out of a quoted attribute', () => {
    for (const h of HOSTILE) expect(esc(h)).not.toMatch(/[<>"']/);
    expect(esc(`<a href="x" title='y'>&`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;');
  });

  test('JSON in a script element cannot close it, and parses back to the same value', () => {
    const v = { labels: HOSTILE, sep: '\u2028\u2029' };
    const j = jsonForScript(v);
    expect(j).not.toMatch(/<\/script|[\u2028\u2029]/i);
    expect(JSON.parse(j)).toEqual(v);
  });

  test('links are relative paths with every segment percent-encoded', () => {
    expect(relativeHref('sub dir/a"b<c>.html')).toBe('sub%20dir/a%22b%3Cc%3E.html');
    expect(relativeHref('javascript:alert(1)')).toBe('javascript%3Aalert(1)');
  });

  test('a page of hostile strings holds them only escaped, with the chart library and data inlined', () => {
    const html = renderPage({
      title: HOSTILE[0],
      heading: HOSTILE[1],
      lead: HOSTILE[2],
      blocks: [
        { kind: 'summary', rows: [{ key: HOSTILE[0], value: HOSTILE[1], verdict: 'bad' }] },
        { kind: 'table', head: [HOSTILE[2]], rows: [[HOSTILE[3]]] },
        { kind: 'heatmap', map: { id: 'h', corner: HOSTILE[0], rowLabels: [HOSTILE[1]], colLabels: [HOSTILE[2]], values: [[3]] } },
        { kind: 'plot', plot: { id: 'p', x: [1, 2], xLabel: HOSTILE[0], yLabel: HOSTILE[1], series: [{ label: HOSTILE[2], values: [1, 2] }] } },
        { kind: 'links', items: [{ href: HOSTILE[1], text: HOSTILE[1] }] },
      ],
    });
    expect(html).not.toMatch(/<img|<svg|<script>window/i);
    // one chart library, one data element, one drawing script: nothing fetched
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    const data = JSON.parse(html.split('<script id="report-data" type="application/json">')[1].split('</script>')[0]);
    expect(data.plots[0].series[0].label).toBe(HOSTILE[2]);
  });
});
