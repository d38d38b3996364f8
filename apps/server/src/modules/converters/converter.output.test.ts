import { checkDownlink, checkUplink, showOutput } from './converter.output.js';
import { describeInput, payloadOf } from './converter.debug.js';

const NOW = 1_700_000_000_000;

describe('decoder output', () => {
  it('normalises plain, {ts, values} and [{ts, values}] telemetry, stamping now when ts is absent', () => {
    const base = { deviceName: 'd', deviceType: 't' };
    expect(checkUplink({ ...base, telemetry: { a: 1 } }, NOW)).toEqual({
      ok: true,
      value: [{ ...base, telemetry: [{ ts: NOW, values: { a: 1 } }] }],
    });
    expect(checkUplink({ ...base, telemetry: { ts: 5, values: { a: 1 } } }, NOW)).toEqual({
      ok: true,
      value: [{ ...base, telemetry: [{ ts: 5, values: { a: 1 } }] }],
    });
    expect(
      checkUplink({ ...base, telemetry: [{ ts: 5, values: { a: 1 } }, { values: { b: 'x' } }] }, NOW),
    ).toEqual({
      ok: true,
      value: [
        {
          ...base,
          telemetry: [
            { ts: 5, values: { a: 1 } },
            { ts: NOW, values: { b: 'x' } },
          ],
        },
      ],
    });
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
