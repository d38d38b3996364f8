import { checkValuesPerMessage, PerMinuteBudget, valuesIn } from './uplink-limits.js';

describe('uplink limits', () => {
  it('counts every telemetry value of every timestamp and every attribute over all results of a message', () => {
    const results = [
      { deviceName: 'a', deviceType: 't', attributes: { x: 1, y: 2 }, telemetry: [{ ts: 1, values: { v: 1, w: 2 } }, { ts: 2, values: { v: 3 } }] },
      { deviceName: 'b', deviceType: 't', telemetry: [{ ts: 1, values: { v: 1 } }] },
    ];
    expect(valuesIn(results)).toBe(6);
    expect(() => checkValuesPerMessage(results, 6)).not.toThrow();
    expect(() => checkValuesPerMessage(results, 0)).not.toThrow();
    expect(() => checkValuesPerMessage(results, 5)).toThrow(
      'The message carries 6 telemetry and attribute values; at most 5 are stored from one message (TELEMETRY_MAX_KEYS_PER_MESSAGE); dropped',
    );
  });

  it('new devices per minute: a full minute up front, then refilled at the rate, never more than a minute saved up', () => {
    let now = 0;
    const b = new PerMinuteBudget(60, () => now);
    expect(b.available()).toBe(60);
    b.take(60);
    expect(b.available()).toBe(0);
    now += 10_000;
    expect(b.available()).toBe(10);
    now += 3_600_000;
    expect(b.available()).toBe(60);
    expect(new PerMinuteBudget(0).available()).toBe(Infinity);
  });
});
