import { deviceMsg, runNode } from '../node-test-helper.js';
import { definition } from './index.js';

describe('Message Type Switch node', () => {
  it.each([
    ['POST_TELEMETRY_REQUEST', 'Post telemetry'],
    ['POST_ATTRIBUTES_REQUEST', 'Post attributes'],
    ['RPC_CALL_FROM_SERVER_TO_DEVICE', 'RPC Request to Device'],
    ['ENTITY_CREATED', 'Entity Created'],
    ['SOMETHING_ELSE', 'Other'],
  ])('routes a %s message along %s', async (type, relation) => {
    const r = await runNode(definition, definition.defaultConfiguration, deviceMsg(type, {}));
    expect(r.relations).toEqual([relation]);
  });

  it('declares every relation it can emit', () => {
    expect(definition.relationTypes).toEqual(
      expect.arrayContaining([
        'Post telemetry',
        'Post attributes',
        'RPC Request to Device',
        'Entity Created',
        'Other',
        'Failure',
      ]),
    );
  });
});
