import type { Device } from '@bridgeboard/contracts';
import { paramsText, rpcMsg } from './rpc-msg.js';

const device = {
  id: { entityType: 'DEVICE', id: '22222222-2222-4222-8222-222222222222' },
  name: 'SN-001',
  type: 'sensor',
} as Device;

describe('RPC rule-engine message', () => {
  it('writes params as JSON text, as ThingsBoard does', () => {
    expect(paramsText(32)).toBe('32');
    expect(paramsText('abc')).toBe('"abc"');
    expect(paramsText({ a: [1] })).toBe('{"a":[1]}');
    expect(paramsText(undefined)).toBe('null');
  });

  it('carries method and params in data, and requestUUID, oneway, expirationTime, deviceName, deviceType in metadata', () => {
    const m = rpcMsg({
      device,
      method: 'setValue',
      params: paramsText(32),
      requestUUID: 'u-1',
      requestId: 7,
      oneway: true,
      persistent: false,
      expirationTime: 1700000010000,
    });
    expect(m.type).toBe('RPC_CALL_FROM_SERVER_TO_DEVICE');
    expect(m.originator).toEqual(device.id);
    expect(JSON.parse(m.data)).toEqual({ method: 'setValue', params: '32' });
    expect(m.metadata).toMatchObject({
      requestUUID: 'u-1',
      oneway: 'true',
      expirationTime: '1700000010000',
      deviceName: 'SN-001',
      deviceType: 'sensor',
    });
    // what the guide's encoder does with it
    expect(parseInt(JSON.parse(m.data).params.replace(/"/g, ''))).toBe(32);
  });
});
