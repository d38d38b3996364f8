import { PendingCalls, type PendingCall } from './pending-calls.js';

function call(
  id: string,
  createdTime: number,
  settle: PendingCall['settle'],
  expiresIn = 60_000,
): PendingCall {
  return {
    tenantId: 't',
    deviceId: 'd',
    requestUUID: id,
    requestId: createdTime,
    createdTime,
    expirationTime: Date.now() + expiresIn,
    settle,
  };
}

describe('pending two-way calls', () => {
  it('completes the oldest call of the device when the reply has no requestId', () => {
    const p = new PendingCalls();
    const got: string[] = [];
    p.add(call('new', 2, (r) => got.push(`new:${JSON.stringify(r)}`)));
    p.add(call('old', 1, (r) => got.push(`old:${JSON.stringify(r)}`)));
    expect(p.reply('t', 'd', { data: 'OK' })).toBe(true);
    expect(got).toEqual(['old:{"data":"OK"}']);
    p.clear();
    expect(p.size).toBe(0);
    expect(got).toEqual(['old:{"data":"OK"}', 'new:null']);
  });

  it('completes the call named by requestUUID or by numeric requestId', () => {
    const p = new PendingCalls();
    const got: string[] = [];
    p.add(call('a', 1, () => got.push('a')));
    p.add(call('b', 2, () => got.push('b')));
    p.reply('t', 'd', { requestId: 'b', data: 1 });
    p.reply('t', 'd', { requestId: 1, data: 1 });
    expect(got).toEqual(['b', 'a']);
  });

  it('ignores a reply for another device or an unknown requestId', () => {
    const p = new PendingCalls();
    p.add(call('a', 1, () => undefined));
    expect(p.reply('t', 'other', { data: 1 })).toBe(false);
    expect(p.reply('t', 'd', { requestId: 'zzz', data: 1 })).toBe(false);
    p.clear();
  });

  it('forgets persistent calls at shutdown without settling them', () => {
    const p = new PendingCalls();
    const got: unknown[] = [];
    p.add({ ...call('a', 1, (r) => got.push(r)), persistent: true });
    p.clear();
    expect(got).toEqual([]);
    expect(p.size).toBe(0);
  });

  it('settles with null at the expiration time', async () => {
    const p = new PendingCalls();
    const r = await new Promise((resolve) => p.add(call('a', 1, resolve, 20)));
    expect(r).toBeNull();
    expect(p.size).toBe(0);
  });
});
