import { checkDownlink, checkUplink, showOutput } from './converter.output.js';
import { describeInput, payloadOf } from './converter.debug.js';

const NOW = 1_700_000_000_000;
const T = NOW - 5000;

describe('decoder output', () => {
  it('normalises plain, {ts, values} and [{ts, values}] telemetry, stamping now when ts is absent', () => {
    const base = { deviceName: 'd', deviceType: 't' };
    expect(checkUplink({ ...base, telemetry: { a: 1 } }, NOW)).toEqual({
      ok: true,
      value: [{ ...base, telemetry: [{ ts: NOW, values: { a: 1 } }] }],
    });
    expect(checkUplink({ ...base, telemetry: { ts: T, values: { a: 1 } } }, NOW)).toEqual({
      ok: true,
      value: [{ ...base, telemetry: [{ ts: T, values: { a: 1 } }] }],
    });
    expect(
      checkUplink({ ...base, telemetry: [{ ts: T, values: { a: 1 } }, { values: { b: 'x' } }] }, NOW),
    ).toEqual({
      ok: true,
      value: [
        {
          ...base,
          telemetry: [
            { ts: T, values: { a: 1 } },
            { ts: NOW, values: { b: 'x' } },
          ],
        },
      ],
    });
  });

  it('keeps telemetry whose ts looks like seconds or lies far in the future, with a warning naming the key, value and date', () => {
    const base = { deviceName: 'd', deviceType: 't' };
    const secs = checkUplink({ ...base, telemetry: { ts: 1_700_000_000, values: { a: 1 } } }, NOW);
    expect(secs).toEqual({
      ok: true,
      value: [
        {
          ...base,
          telemetry: [{ ts: 1_700_000_000, values: { a: 1 } }],
          warnings: [
            'telemetry.ts 1700000000 looks like seconds (2023-11-14T22:13:20Z); stored as milliseconds, at 1970-01-20T16:13:20Z: timestamps are milliseconds since 1970 (multiply by 1000 in the decoder)',
          ],
        },
      ],
    });
    const later = checkUplink(
      {
        ...base,
        telemetry: [
          { ts: NOW + 3_600_000, values: { ok: 1 } },
          { ts: 32_503_680_000_000, values: { a: 1 } },
          { ts: NOW * 1000, values: { b: 1 } },
          { ts: NOW * 1_000_000, values: { c: 1 } },
        ],
      },
      NOW,
    );
    expect(later.ok && later.value[0]!.warnings).toEqual([
      'telemetry[1].ts 32503680000000 is 3000-01-01T00:00:00Z, more than a day in the future; stored as given: timestamps are milliseconds since 1970',
      'telemetry[2].ts 1700000000000000 is in the year 55840, more than a day in the future; it looks like microseconds (divide by 1000 in the decoder); stored as given: timestamps are milliseconds since 1970',
      'telemetry[3].ts 1700000000000000000 is after the year 275760, more than a day in the future; it looks like nanoseconds (divide by 1000000 in the decoder); stored as given: timestamps are milliseconds since 1970',
    ]);
    // an hour ahead is a clock running fast, not a mistake; no ts at all is "now"
    expect(
      checkUplink({ ...base, telemetry: { ts: NOW + 3_600_000, values: { a: 1 } } }, NOW),
    ).not.toHaveProperty('value.0.warnings');
  });

  it('keeps nested objects as JSON values and passes rpcResponse on', () => {
    const r = checkUplink(
      {
        deviceName: 'd',
        deviceType: 't',
        attributes: { cfg: { a: [1, 2] } },
        rpcResponse: { requestId: 7, data: { ok: true } },
      },
      NOW,
    );
    expect(r).toEqual({
      ok: true,
      value: [
        {
          deviceName: 'd',
          deviceType: 't',
          attributes: { cfg: { a: [1, 2] } },
          rpcResponse: { requestId: 7, data: { ok: true } },
        },
      ],
    });
  });

  it('names the bad field', () => {
    expect(
      checkUplink({ deviceName: 'd', deviceType: 't', telemetry: [{ ts: 'soon', values: {} }] }, NOW),
    ).toEqual({ ok: false, error: 'telemetry[0].ts must be a time in milliseconds, got "soon"' });
    expect(checkUplink({ deviceName: 'd', deviceType: 't', attributes: [1] }, NOW)).toEqual({
      ok: false,
      error: 'attributes must be an object of key/value pairs, got an array',
    });
    expect(checkUplink({ deviceName: 'd', deviceType: 't', attributes: { x: null } }, NOW)).toEqual({
      ok: false,
      error: 'attributes.x is null; leave the key out instead',
    });
    expect(checkUplink(42, NOW)).toEqual({
      ok: false,
      error: "The decoder's result must be an object with deviceName and deviceType, got a number",
    });
  });

  it('shows markers readably', () => {
    expect(showOutput({ a: { $bb$: 'NaN' } })).toBe('{"a":"[NaN]"}');
  });
});

describe('encoder output', () => {
  it('accepts the guide shape and turns number metadata into strings', () => {
    expect(checkDownlink({ contentType: 'TEXT', data: 'hi', metadata: { topic: 't', qos: 1 } })).toEqual({
      ok: true,
      value: { contentType: 'TEXT', data: 'hi', metadata: { topic: 't', qos: '1' } },
    });
  });
  it('names the bad field', () => {
    expect(checkDownlink({ data: 'x' })).toEqual({
      ok: false,
      error: 'The encoder\'s result is missing contentType: use "JSON", "TEXT" or "BINARY"',
    });
    expect(checkDownlink({ contentType: 'JSON', data: { value: 1 } })).toEqual({
      ok: false,
      error: 'data must be a string (use JSON.stringify for JSON), got an object',
    });
    expect(checkDownlink({ contentType: 'BINARY', data: '***' })).toEqual({
      ok: false,
      error: 'data must be base64 text when contentType is BINARY',
    });
    expect(checkDownlink({ contentType: 'JSON', data: '{}', metadata: { topic: { a: 1 } } })).toEqual({
      ok: false,
      error: 'metadata.topic must be a string, got an object',
    });
  });
});

describe('debug input', () => {
  it('shows JSON and text as they are and binary as base64, and restores the payload', () => {
    expect(describeInput(Buffer.from('{"value":1}'))).toEqual({ in: '{"value":1}', inContentType: 'JSON' });
    expect(describeInput(Buffer.from('héllo'))).toEqual({ in: 'héllo', inContentType: 'TEXT' });
    const bin = Buffer.from([0xff, 0x00, 0x01]);
    expect(describeInput(bin)).toEqual({ in: bin.toString('base64'), inContentType: 'BINARY' });
    for (const p of [Buffer.from('héllo'), bin])
      expect(payloadOf(describeInput(p))).toBe(p.toString('base64'));
  });
});
