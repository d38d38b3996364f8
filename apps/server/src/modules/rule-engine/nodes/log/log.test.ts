import { deviceMsg, disposeTestSandbox, runNode, testScripts } from '../node-test-helper.js';
import { definition } from './index.js';

afterAll(() => disposeTestSandbox());

describe('Log node', () => {
  it('logs the text its default script builds and reports Success', async () => {
    const r = await runNode(
      definition,
      definition.defaultConfiguration,
      deviceMsg('ACTIVITY_EVENT', { active: true }),
      { scripts: testScripts() },
    );
    expect(r.relations).toEqual(['Success']);
    expect(r.logs[0]).toContain('Incoming message:\n{"active":true}');
    expect(r.logs[0]).toContain('"deviceName":"SN-001"');
  });

  it('routes a script error to Failure', async () => {
    const r = await runNode(definition, { jsScript: 'return msg.a.b.c;' }, deviceMsg('X', {}), {
      scripts: testScripts(),
      nodeId: '66666666-6666-4666-8666-666666666666',
    });
    expect(r.out[0]).toMatchObject({ relation: 'Failure', error: expect.stringMatching(/Script error/) });
  });
});
