import type { Device } from '@bridgeboard/contracts';
import { InProcessPlatformEvents } from './ports.js';

const device = { id: { id: 'd1' }, name: 'SN-001' } as Device;

describe('InProcessPlatformEvents', () => {
  it('tells every listener of an event, until it takes itself off', () => {
    const bus = new InProcessPlatformEvents();
    const heard: string[] = [];
    const off = bus.on('deviceUpdated', (d) => heard.push(`a:${d.name}`));
    bus.on('deviceUpdated', (d) => heard.push(`b:${d.name}`));
    bus.on('deviceDeleted', (d) => heard.push(`deleted:${d.name}`));
    bus.emit('deviceUpdated', device);
    off();
    bus.emit('deviceUpdated', device);
    expect(heard).toEqual(['a:SN-001', 'b:SN-001', 'b:SN-001']);
  });

  it('awaits hook handlers one after the other, in the order they were added, and stops at the first failure', async () => {
    const bus = new InProcessPlatformEvents();
    const ran: string[] = [];
    bus.handle('tenantDeleting', async (t) => {
      await new Promise((r) => setTimeout(r, 5));
      ran.push(`rpc ${t}`);
    });
    bus.handle('tenantDeleting', async (t) => {
      ran.push(`integrations ${t}`);
      throw new Error('broker gone');
    });
    bus.handle('tenantDeleting', async () => void ran.push('never'));
    await expect(bus.run('tenantDeleting', 't1')).rejects.toThrow('broker gone');
    expect(ran).toEqual(['rpc t1', 'integrations t1']);
  });

  it('has no other node to tell of a cache change', () => {
    const bus = new InProcessPlatformEvents();
    const forgotten: (string | null)[] = [];
    bus.onCacheChanged('converter', (k) => forgotten.push(k));
    bus.cacheChanged('converter', 'c1');
    expect(forgotten).toEqual([]);
  });
});
