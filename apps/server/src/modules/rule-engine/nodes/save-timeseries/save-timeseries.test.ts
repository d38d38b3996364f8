import { deviceMsg, FakeTelemetry, DEVICE, TENANT, runNode } from '../node-test-helper.js';
import { definition } from './index.js';

describe('Save Timeseries node', () => {
  it('saves {key: value} telemetry at the metadata ts and reports Success', async () => {
    const telemetry = new FakeTelemetry();
    const r = await runNode(
      definition,
      {},
      deviceMsg('POST_TELEMETRY_REQUEST', { temperature: 25.1 }, { ts: '1700000000000' }),
      { telemetry },
    );
    expect(r.relations).toEqual(['Success']);
    expect(telemetry.batches).toEqual([
      [
        {
          tenantId: TENANT,
          deviceId: DEVICE,
          telemetry: [{ ts: 1700000000000, values: { temperature: 25.1 } }],
        },
      ],
    ]);
  });

  it('saves [{ts, values}] telemetry with each entry at its own ts', async () => {
    const telemetry = new FakeTelemetry();
    const data = [
      { ts: 1, values: { a: 1 } },
      { ts: 2, values: { a: 2 } },
    ];
    await runNode(definition, {}, deviceMsg('POST_TELEMETRY_REQUEST', data), { telemetry });
    expect(telemetry.batches[0]![0]!.telemetry).toEqual(data);
  });

  it('fails a message of another type without saving', async () => {
    const telemetry = new FakeTelemetry();
    const r = await runNode(definition, {}, deviceMsg('POST_ATTRIBUTES_REQUEST', { a: 1 }), { telemetry });
    expect(r.out).toEqual([
      expect.objectContaining({
        relation: 'Failure',
        error: expect.stringMatching(/POST_TELEMETRY_REQUEST/),
      }),
    ]);
    expect(telemetry.batches).toEqual([]);
  });

  it('routes a database error to Failure', async () => {
    const telemetry = new FakeTelemetry();
    telemetry.failWith = new Error('connection refused');
    const r = await runNode(definition, {}, deviceMsg('POST_TELEMETRY_REQUEST', { a: 1 }), { telemetry });
    expect(r.out).toEqual([expect.objectContaining({ relation: 'Failure', error: 'connection refused' })]);
  });
});
