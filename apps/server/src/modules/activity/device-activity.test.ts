import { DeviceActivity, type ActivityPorts } from './device-activity.js';

function fake(timeouts: Record<string, number> = {}) {
  const writes: { deviceId: string; attributes: Record<string, unknown> }[][] = [];
  /** lastActivityTime as stored (by this node's writes, or another node's: `stored.set`) */
  const stored = new Map<string, number>();
  let fail = false;
  const ports: ActivityPorts = {
    save: async (items) => {
      if (fail) throw new Error('database away');
      writes.push(items.map(({ deviceId, attributes }) => ({ deviceId, attributes })));
      for (const i of items)
        if (typeof i.attributes.lastActivityTime === 'number')
          stored.set(i.deviceId, i.attributes.lastActivityTime);
    },
    timeouts: async (ids) => new Map(ids.filter((id) => id in timeouts).map((id) => [id, timeouts[id]!])),
    lastActivity: async (ids) =>
      new Map(ids.filter((id) => stored.has(id)).map((id) => [id, stored.get(id)!])),
  };
  return { ports, writes, stored, setFail: (f: boolean) => (fail = f) };
}

describe('DeviceActivity (ThingsBoard active / lastActivityTime)', () => {
  it('writes many uplinks of a device as one lastActivityTime per tick, active once', async () => {
    const f = fake();
    const a = new DeviceActivity(f.ports, 600_000);
    for (let t = 1000; t < 1100; t++) a.touch('t', 'd1', t);
    a.touch('t', 'd2', 1050);
    expect(await a.tick(1200)).toBe(2);
    expect(f.writes[0]).toEqual([
      { deviceId: 'd1', attributes: { lastActivityTime: 1099, active: true } },
      { deviceId: 'd2', attributes: { lastActivityTime: 1050, active: true } },
    ]);
    expect(await a.tick(1300)).toBe(0);
    a.touch('t', 'd1', 1400);
    await a.tick(1500);
    expect(f.writes[1]).toEqual([{ deviceId: 'd1', attributes: { lastActivityTime: 1400 } }]);
  });

  it('turns a device inactive after the default timeout, or after its own inactivityTimeout', async () => {
    const f = fake({ quick: 1000 });
    const a = new DeviceActivity(f.ports, 600_000);
    a.touch('t', 'quick', 0);
    a.touch('t', 'slow', 0);
    await a.tick(10);
    expect(await a.tick(999)).toBe(0);
    await a.tick(1000);
    expect(f.writes[1]).toEqual([
      { deviceId: 'quick', attributes: { active: false, inactivityAlarmTime: 1000 } },
    ]);
    expect(a.isActive('quick')).toBe(false);
    expect(a.isActive('slow')).toBe(true);
    await a.tick(600_000);
    expect(a.isActive('slow')).toBe(false);
    // the next uplink makes it active again
    a.touch('t', 'quick', 700_000);
    await a.tick(700_001);
    expect(f.writes.at(-1)).toEqual([
      { deviceId: 'quick', attributes: { lastActivityTime: 700_000, active: true } },
    ]);
  });

  it('follows a changed inactivityTimeout and keeps unwritten changes when the database is away', async () => {
    const f = fake();
    const a = new DeviceActivity(f.ports, 600_000);
    a.touch('t', 'd', 0);
    f.setFail(true);
    await expect(a.tick(1)).rejects.toThrow('database away');
    f.setFail(false);
    await a.tick(2);
    expect(f.writes[0]).toEqual([{ deviceId: 'd', attributes: { lastActivityTime: 0, active: true } }]);
    a.timeoutChanged('d', '500');
    await a.tick(500);
    expect(a.isActive('d')).toBe(false);
  });

  it('restores devices that were active at the last stop, so they go inactive without traffic', async () => {
    const f = fake();
    const a = new DeviceActivity(f.ports, 1000);
    a.restore([{ tenantId: 't', deviceId: 'd', lastActivityTime: 0 }]);
    expect(await a.tick(500)).toBe(0);
    await a.tick(1000);
    expect(f.writes[0]).toEqual([
      { deviceId: 'd', attributes: { active: false, inactivityAlarmTime: 1000 } },
    ]);
  });

  it('does not turn off a device another node heard from since (cluster), and reads it again before each try', async () => {
    const f = fake();
    const a = new DeviceActivity(f.ports, 1000);
    // restored at start, but its integration runs on another node, which keeps writing lastActivityTime
    a.restore([{ tenantId: 't', deviceId: 'd', lastActivityTime: 0 }]);
    f.stored.set('d', 900);
    expect(await a.tick(1000)).toBe(0);
    expect(a.isActive('d')).toBe(true);
    f.stored.set('d', 1800);
    expect(await a.tick(1899)).toBe(0);
    // the other node heard nothing more either: off after the timeout from its last uplink
    await a.tick(2800);
    expect(f.writes).toEqual([[{ deviceId: 'd', attributes: { active: false, inactivityAlarmTime: 2800 } }]]);
  });

  it('keeps in memory only devices that are active or have something to write', async () => {
    const f = fake();
    const a = new DeviceActivity(f.ports, 1000);
    for (let i = 0; i < 100; i++) a.touch('t', `d${i}`, 0);
    expect(a.size).toBe(100);
    await a.tick(10);
    a.touch('t', 'd0', 500);
    await a.tick(1000);
    expect(a.size).toBe(1);
    expect(a.isActive('d0')).toBe(true);
    await a.tick(1500);
    expect(a.size).toBe(0);
    // an uplink brings it back
    a.touch('t', 'd7', 2000);
    await a.tick(2001);
    expect(f.writes.at(-1)).toEqual([
      { deviceId: 'd7', attributes: { lastActivityTime: 2000, active: true } },
    ]);
  });
});
