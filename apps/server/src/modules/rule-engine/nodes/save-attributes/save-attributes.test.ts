import { deviceMsg, FakeTelemetry, DEVICE, TENANT, runNode } from '../node-test-helper.js';
import { definition } from './index.js';

describe('Save Attributes node', () => {
  it('saves server-scope attributes in the batch commit and reports Success', async () => {
    const telemetry = new FakeTelemetry();
    const r = await runNode(
      definition,
      definition.defaultConfiguration,
      deviceMsg('POST_ATTRIBUTES_REQUEST', { integrationName: 'MQTT' }),
      { telemetry },
    );
    expect(r.relations).toEqual(['Success']);
    expect(telemetry.batches).toEqual([
      [{ tenantId: TENANT, deviceId: DEVICE, attributes: { integrationName: 'MQTT' } }],
    ]);
  });

  it('saves shared-scope attributes in that scope', async () => {
    const telemetry = new FakeTelemetry();
    await runNode(
      definition,
      { scope: 'SHARED_SCOPE' },
      deviceMsg('POST_ATTRIBUTES_REQUEST', { target: 21 }),
      { telemetry },
    );
    expect(telemetry.attributes).toEqual([
      { deviceId: DEVICE, scope: 'SHARED_SCOPE', values: { target: 21 } },
    ]);
  });

  it('fails when the data is not an object', async () => {
    const r = await runNode(definition, {}, deviceMsg('POST_ATTRIBUTES_REQUEST', [1, 2]));
    expect(r.out[0]).toMatchObject({ relation: 'Failure', error: expect.stringMatching(/object/) });
  });

  it('refuses an unknown scope when the configuration is parsed', () => {
    expect(() => definition.configSchema.parse({ scope: 'NOPE' })).toThrow();
  });
});
