import { CHAIN, deviceMsg, runNode } from '../node-test-helper.js';
import { definition } from './index.js';

const OTHER = '55555555-5555-4555-8555-555555555555';

describe('Rule Chain node', () => {
  it('hands the message to the configured rule chain', async () => {
    const msg = deviceMsg('POST_TELEMETRY_REQUEST', { a: 1 });
    const r = await runNode(definition, { ruleChainId: OTHER }, msg);
    expect(r.chainHandoffs).toEqual([{ ruleChainId: OTHER, msg }]);
    expect(r.relations).toEqual([]);
  });

  it('fails instead of handing a message to its own chain', async () => {
    const r = await runNode(definition, { ruleChainId: CHAIN }, deviceMsg('X', {}));
    expect(r.out[0]).toMatchObject({
      relation: 'Failure',
      error: expect.stringMatching(/its own rule chain/),
    });
  });

  it('needs a rule chain id in its configuration', () => {
    expect(definition.configSchema.safeParse({}).success).toBe(false);
  });
});
