import { AppError } from '../../../common/errors.js';
import { TenantSlots } from './tenant-slots.js';

describe('TenantSlots (issue 19: bounded replays per tenant)', () => {
  it('refuses the third run of a tenant with a 429 naming the limit, while another tenant still runs', async () => {
    const slots = new TenantSlots(2);
    const a1 = slots.take('A');
    slots.take('A');
    let refused: unknown;
    try {
      slots.take('A');
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).status).toBe(429);
    expect((refused as AppError).message).toContain('already runs 2 replays');
    await expect(slots.run('B', async () => 'b')).resolves.toBe('b');
    a1();
    a1(); // giving back twice frees one slot only
    expect(slots.inUse('A')).toBe(1);
    expect(() => slots.take('A')).not.toThrow();
  });

  it('gives the slot back when the work fails', async () => {
    const slots = new TenantSlots(1);
    await expect(slots.run('A', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(slots.inUse('A')).toBe(0);
  });
});
