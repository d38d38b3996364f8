import { describe, expect, it } from 'vitest';
import { fromDebugInReply } from './converters.api';

describe("debugIn in ThingsBoard's shape, read for the test panel", () => {
  it('turns an uplink text payload into base64 bytes and the metadata JSON text into pairs', () => {
    const d = fromDebugInReply({
      inContent: '{"value":25.1}',
      inContentType: 'JSON',
      inMetadata: '{"topic":"t/SN-001"}',
      ts: 5,
    });
    expect(d).toEqual({
      type: 'UPLINK',
      ts: 5,
      payload: btoa('{"value":25.1}'),
      metadata: { topic: 't/SN-001' },
    });
  });

  it('keeps a binary payload as the base64 it already is', () => {
    expect(
      fromDebugInReply({ inContent: '/wAQ', inContentType: 'BINARY', inMetadata: '{}', ts: 1 }),
    ).toMatchObject({ payload: '/wAQ' });
  });

  it('reads a downlink input with its message type and integration metadata', () => {
    const d = fromDebugInReply({
      inContent: '{"method":"setValue","params":"32"}',
      inContentType: 'JSON',
      inMetadata: '{"deviceName":"SN-001"}',
      inMsgType: 'RPC_CALL_FROM_SERVER_TO_DEVICE',
      inIntegrationMetadata: '{"region":"eu"}',
      ts: 2,
    });
    expect(d).toEqual({
      type: 'DOWNLINK',
      ts: 2,
      msg: '{"method":"setValue","params":"32"}',
      metadata: { deviceName: 'SN-001' },
      msgType: 'RPC_CALL_FROM_SERVER_TO_DEVICE',
      integrationMetadata: { region: 'eu' },
    });
  });
});
