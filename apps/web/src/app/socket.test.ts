import { describe, expect, it, vi } from 'vitest';
import { fakeSocket } from '../test/fake-socket';
import { subscribe } from './socket';

describe('subscribe', () => {
  it("joins the room, says 'subscribed' once the server accepts, and passes only that entity's events", async () => {
    fakeSocket.reset();
    const a = vi.fn();
    const b = vi.fn();
    const stopA = subscribe('device:aaaaaaaa-0000-4000-8000-000000000001', a);
    const stopB = subscribe('integration:bbbbbbbb-0000-4000-8000-000000000002', b);
    await Promise.resolve();
    expect(fakeSocket.emitted.filter((e) => e.event === 'subscribe').map((e) => e.payload)).toEqual(
      expect.arrayContaining([{ room: 'device:aaaaaaaa-0000-4000-8000-000000000001' }, { room: 'integration:bbbbbbbb-0000-4000-8000-000000000002' }]),
    );
    expect(a).toHaveBeenCalledWith('subscribed', { room: 'device:aaaaaaaa-0000-4000-8000-000000000001' });
    const telemetry = { deviceId: 'aaaaaaaa-0000-4000-8000-000000000001', data: { temperature: [{ ts: 1, value: 25.1 }] } };
    fakeSocket.serverEmit('telemetry', telemetry);
    fakeSocket.serverEmit('telemetry', { deviceId: 'cccccccc-0000-4000-8000-000000000003', data: {} });
    fakeSocket.serverEmit('integrationStatus', { integrationId: 'bbbbbbbb-0000-4000-8000-000000000002', status: 'CONNECTED' });
    expect(a.mock.calls.filter(([ev]) => ev === 'telemetry')).toEqual([['telemetry', telemetry]]);
    expect(b.mock.calls.filter(([ev]) => ev !== 'subscribed')).toEqual([['integrationStatus', { integrationId: 'bbbbbbbb-0000-4000-8000-000000000002', status: 'CONNECTED' }]]);
    stopA();
    stopB();
    expect(fakeSocket.emitted.filter((e) => e.event === 'unsubscribe')).toHaveLength(2);
  });
});
