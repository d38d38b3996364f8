import type { Device } from '@bridgeboard/contracts';
import { DeviceNameCache } from './device-cache.js';

const device = (tenant: string, name: string, id = `id-${name}`): Device =>
  ({
    id: { entityType: 'DEVICE', id },
    tenantId: { entityType: 'TENANT', id: tenant },
    name,
    type: 'sensor',
    createdTime: 1,
    label: null,
    additionalInfo: null,
  }) as unknown as Device;

/** A fake find-or-create that records which names reached "the database". */
function fakeDb() {
  const rows = new Map<string, Device>();
  const asked: string[][] = [];
  let next = 0;
  const load = async (tenantId: string, wanted: { name: string; type: string }[]) => {
    asked.push(wanted.map((w) => w.name));
    const devices = new Map<string, Device>();
    const created: Device[] = [];
    for (const w of wanted) {
      let d = rows.get(tenantId + w.name);
      if (!d) {
        d = device(tenantId, w.name, `id-${w.name}-${next++}`);
        rows.set(tenantId + w.name, d);
        created.push(d);
      }
      devices.set(w.name, d);
    }
    return { devices, created };
  };
  return { rows, asked, load };
}

describe('DeviceNameCache', () => {
  it('asks the database only for names it has not seen, and reports creations once', async () => {
    const db = fakeDb();
    const c = new DeviceNameCache(db.load);
    const first = await c.findOrCreate('t1', [
      { name: 'a', type: 's' },
      { name: 'b', type: 's' },
      { name: 'a', type: 's' },
    ]);
    expect(first.created.map((d) => d.name)).toEqual(['a', 'b']);
    const second = await c.findOrCreate('t1', [
      { name: 'a', type: 's' },
      { name: 'c', type: 's' },
    ]);
    expect(second.created.map((d) => d.name)).toEqual(['c']);
    expect([...second.devices.keys()].sort()).toEqual(['a', 'c']);
    expect(db.asked).toEqual([['a', 'b'], ['c']]);
  });

  it('keeps tenants apart when two tenants use the same device name', async () => {
    const db = fakeDb();
    const c = new DeviceNameCache(db.load);
    const a = await c.findOrCreate('t1', [{ name: 'SN-001', type: 's' }]);
    const b = await c.findOrCreate('t2', [{ name: 'SN-001', type: 's' }]);
    expect(a.devices.get('SN-001')!.id.id).not.toEqual(b.devices.get('SN-001')!.id.id);
    expect(db.asked).toEqual([['SN-001'], ['SN-001']]);
  });

  it('goes back to the database for a device after it was deleted or renamed', async () => {
    const db = fakeDb();
    const c = new DeviceNameCache(db.load);
    const { devices } = await c.findOrCreate('t1', [{ name: 'a', type: 's' }]);
    const a = devices.get('a')!;
    db.rows.delete('t1a');
    c.forget(a);
    const again = await c.findOrCreate('t1', [{ name: 'a', type: 's' }]);
    expect(again.created).toHaveLength(1);
    expect(again.devices.get('a')!.id.id).not.toEqual(a.id.id);
    c.forget({ ...again.devices.get('a')!, name: 'renamed' });
    await c.findOrCreate('t1', [{ name: 'a', type: 's' }]);
    expect(db.asked).toEqual([['a'], ['a'], ['a']]);
  });

  it('starts over when it holds more than its limit, still answering correctly', async () => {
    const db = fakeDb();
    const c = new DeviceNameCache(db.load, 2);
    await c.findOrCreate('t1', [
      { name: 'a', type: 's' },
      { name: 'b', type: 's' },
      { name: 'c', type: 's' },
    ]);
    const r = await c.findOrCreate('t1', [
      { name: 'a', type: 's' },
      { name: 'c', type: 's' },
    ]);
    expect([...r.devices.keys()].sort()).toEqual(['a', 'c']);
    expect(r.created).toEqual([]);
  });
});
