import { describe, expect, it } from 'vitest';
import { outputChanges } from './outputDiff';

describe('outputChanges', () => {
  it('lists the keys whose value moved, appeared or went, without the [0] of a one-device result', () => {
    const before = [{ deviceName: 'SN-001', deviceType: 'sensor', attributes: { fw: '1.0' }, telemetry: [{ ts: 1, values: { temp: 21, battery: 90 } }] }];
    const after = [{ deviceName: 'SN-001', deviceType: 'sensor', attributes: { fw: '1.0' }, telemetry: [{ ts: 1, values: { temperature: 21, battery: 89 } }] }];
    expect(outputChanges(before, after)).toEqual([
      { path: 'telemetry[0].values.temp', before: '21' },
      { path: 'telemetry[0].values.battery', before: '90', after: '89' },
      { path: 'telemetry[0].values.temperature', after: '21' },
    ]);
  });
  it('finds nothing between equal outputs, and keeps the index when a message gives several devices', () => {
    expect(outputChanges({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toEqual([]);
    expect(outputChanges([{ deviceName: 'A' }, { deviceName: 'B' }], [{ deviceName: 'A' }, { deviceName: 'C' }])).toEqual([{ path: '[1].deviceName', before: '"B"', after: '"C"' }]);
    expect(outputChanges({ attributes: {} }, { attributes: { x: 'y' } })).toEqual([
      { path: 'attributes', before: '{}' },
      { path: 'attributes.x', after: '"y"' },
    ]);
  });
});
