import { AppError, ErrorCode } from '../../../../common/errors.js';
import { deviceMsg, FakeDownlink, runNode } from '../node-test-helper.js';
import { definition, fillTopic } from './index.js';

const INTEGRATION = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';
const rpc = (metadata: Record<string, string> = {}) =>
  deviceMsg(
    'RPC_CALL_FROM_SERVER_TO_DEVICE',
    { method: 'setValue', params: '32' },
    { requestUUID: 'r1', oneway: 'true', ...metadata },
  );

function downlink(): FakeDownlink {
  const d = new FakeDownlink();
  d.integrations.set(INTEGRATION, {
    id: { id: INTEGRATION },
    name: 'MQTT Integration',
    downlinkConverterId: { id: 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee' },
    configuration: { downlinkTopicPattern: '${topic}', metadata: {} },
  });
  return d;
}

describe('Integration Downlink node', () => {
  it('publishes the encoded data to the topic made from the converter metadata', async () => {
    const d = downlink();
    const r = await runNode(definition, { integrationId: INTEGRATION }, rpc(), { downlink: d });
    expect(r.relations).toEqual(['Success']);
    expect(d.published).toEqual([
      {
        integrationId: INTEGRATION,
        topic: 'devices/SN-001/rx',
        payload: Buffer.from('{"method":"setValue","params":"32"}'),
      },
    ]);
    expect(r.deliveries).toEqual([
      { integrationId: INTEGRATION, integrationName: 'MQTT Integration', ok: true },
    ]);
  });

  it('decodes BINARY data from base64 before publishing', async () => {
    const d = downlink();
    d.encoder = () => ({
      ok: true,
      result: {
        contentType: 'BINARY',
        data: Buffer.from([1, 2, 255]).toString('base64'),
        metadata: { topic: 't' },
      },
    });
    await runNode(definition, { integrationId: INTEGRATION }, rpc(), { downlink: d });
    expect([...d.published[0]!.payload]).toEqual([1, 2, 255]);
  });

  it('fails with the converter error and reports it as a failed delivery', async () => {
    const d = downlink();
    d.encoder = () => ({ ok: false, error: 'ReferenceError: nope is not defined' });
    const r = await runNode(definition, { integrationId: INTEGRATION }, rpc(), { downlink: d });
    expect(r.out[0]).toMatchObject({
      relation: 'Failure',
      error: expect.stringMatching(/Downlink converter .* failed: ReferenceError/),
    });
    expect(r.deliveries[0]).toMatchObject({ ok: false, status: 422 });
    expect(d.published).toEqual([]);
  });

  it('fails with 409 when the integration is not connected, keeping the payload for a persistent RPC', async () => {
    const d = downlink();
    d.connected = false;
    const once = await runNode(definition, { integrationId: INTEGRATION }, rpc(), { downlink: d });
    expect(once.deliveries[0]).toMatchObject({ ok: false, status: 409 });
    expect(once.deliveries[0]!.queued).toBeUndefined();
    const kept = await runNode(definition, { integrationId: INTEGRATION }, rpc({ persistent: 'true' }), {
      downlink: d,
    });
    expect(kept.deliveries[0]!.queued).toEqual({
      topic: 'devices/SN-001/rx',
      payload: Buffer.from('{"method":"setValue","params":"32"}').toString('base64'),
      encoding: 'base64',
    });
  });

  it('goes on by Success only once the publish is done (the broker acknowledged it), and by Failure when that is unknown', async () => {
    const d = downlink();
    let ack!: () => void;
    d.publish = () => new Promise<void>((r) => (ack = r));
    let settled = false;
    const running = runNode(definition, { integrationId: INTEGRATION }, rpc(), { downlink: d }).then(
      (r) => ((settled = true), r),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    ack();
    expect((await running).relations).toEqual(['Success']);

    const unknown =
      'the broker did not acknowledge the message within 10 s (it may or may not reach the device)';
    d.publish = async () =>
      Promise.reject(
        new AppError(
          409,
          ErrorCode.CONFLICT,
          `Integration 'MQTT Integration' could not confirm the message: ${unknown}`,
        ),
      );
    const r = await runNode(definition, { integrationId: INTEGRATION }, rpc({ persistent: 'true' }), {
      downlink: d,
    });
    expect(r.out[0]).toMatchObject({
      relation: 'Failure',
      error: `Integration 'MQTT Integration' could not publish to devices/SN-001/rx: Integration 'MQTT Integration' could not confirm the message: ${unknown}`,
    });
    // a persistent RPC keeps its payload and is sent again (at least once)
    expect(r.deliveries[0]).toMatchObject({ ok: false, status: 409, queued: { topic: 'devices/SN-001/rx' } });
  });

  it('fails with a clear message for an unknown integration', async () => {
    const r = await runNode(definition, { integrationId: 'ffffffff-ffff-4fff-8fff-ffffffffffff' }, rpc(), {
      downlink: downlink(),
    });
    expect(r.out[0]).toMatchObject({ relation: 'Failure', error: expect.stringMatching(/not found/) });
    expect(r.deliveries[0]).toMatchObject({ ok: false, status: 404 });
  });

  it('names a topic placeholder the converter metadata lacks', () => {
    expect(fillTopic('a/${deviceName}/${topic}', { topic: 'x', deviceName: 'SN' })).toBe('a/SN/x');
    expect(() => fillTopic('${topic}', {})).toThrow(/needs 'topic'/);
  });
});
