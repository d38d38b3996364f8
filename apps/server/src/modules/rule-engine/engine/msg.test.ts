import { newMsg, parseData, transformMsg } from './msg.js';

describe('rule engine messages made from a value', () => {
  const make = () =>
    newMsg('POST_TELEMETRY_REQUEST', { entityType: 'DEVICE', id: 'd1' }, { a: 1 }, { k: 'v' }, 5);

  it('read as a plain message: data is JSON text, copies and JSON carry it', () => {
    const m = make();
    expect(Object.keys(m)).toEqual(['id', 'type', 'originator', 'data', 'metadata', 'ts', 'traceId']);
    expect(m.data).toBe('{"a":1}');
    expect({ ...m }).toEqual({
      id: m.id,
      type: m.type,
      originator: m.originator,
      data: '{"a":1}',
      metadata: { k: 'v' },
      ts: 5,
      traceId: undefined,
    });
    expect(JSON.parse(JSON.stringify(m))).toMatchObject({ data: '{"a":1}', metadata: { k: 'v' } });
  });

  it('carry their trace id into copies and transformed messages', () => {
    const m = newMsg('POST_TELEMETRY_REQUEST', { entityType: 'DEVICE', id: 'd1' }, { a: 1 }, {}, 5, 'trace-1');
    expect({ ...m }.traceId).toBe('trace-1');
    expect(transformMsg(m, { data: '{}' }).traceId).toBe('trace-1');
    expect(newMsg('X', { entityType: 'DEVICE', id: 'd1' }, 'text', {}, 5, 'trace-2').traceId).toBe('trace-2');
  });

  it('keep one id, the same in their copies', () => {
    const m = make();
    const copy = { ...m };
    expect(m.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(copy.id).toBe(m.id);
    expect(make().id).not.toBe(m.id);
  });

  it('give their value to parseData, and a copy with new data gives the new data', () => {
    const m = make();
    expect(parseData(m)).toEqual({ a: 1 });
    expect(parseData(transformMsg(m, { data: '{"b":2}' }))).toEqual({ b: 2 });
    expect(parseData({ ...m, data: '[3]' })).toEqual([3]);
  });
});
