import { fitBody } from './debug-event.fit.js';

describe('debug event bodies', () => {
  it('keeps a body within the limit as it is', () => {
    const body = { type: 'Uplink', in: '{"v":1}', out: '[{"deviceName":"a"}]', error: '' };
    expect(fitBody(body, 4096)).toEqual({ body, text: JSON.stringify(body) });
  });

  it('cuts a forged 6.7 MB converter result to the limit and says how long it was', () => {
    const out = JSON.stringify(Array.from({ length: 60_000 }, (_, i) => ({ deviceName: `d${i}`, deviceType: 't', telemetry: { v: i } })));
    expect(out.length).toBeGreaterThan(3_000_000);
    const body = { type: 'Uplink', inMessageType: 'JSON', in: '{"v":1}', out, metadata: { topic: 'a/b' }, error: '' };
    const { body: kept, text } = fitBody(body, 131_072);
    expect(text.length).toBeLessThanOrEqual(131_072);
    expect(JSON.parse(text)).toEqual(kept);
    expect(kept.type).toBe('Uplink');
    expect(kept.in).toBe('{"v":1}');
    expect(kept.out).toMatch(new RegExp(`^\\[\\{"deviceName":"d0".*… \\[cut: ${out.length} characters\\]$`));
  });

  it('fits characters that JSON escapes (six for one) too', () => {
    const body = { type: 'Uplink', in: '\u0001'.repeat(1_000_000), out: 'x'.repeat(1_000_000) };
    const { text } = fitBody(body, 8192);
    expect(text.length).toBeLessThanOrEqual(8192);
    expect(JSON.parse(text).in).toMatch(/… \[cut: 1000000 characters\]$/);
  });
});
