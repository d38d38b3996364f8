import { deviceMsg, disposeTestSandbox, runNode, testScripts } from '../node-test-helper.js';
import { definition } from './index.js';

afterAll(() => disposeTestSandbox());

describe('Script Filter node', () => {
  const cfg = {
    jsScript:
      'return msg.temperature > 20 && metadata.deviceType === "sensor" && msgType === "POST_TELEMETRY_REQUEST";',
  };

  it('routes True when the script returns true, False when it returns false', async () => {
    const scripts = testScripts();
    expect(
      (await runNode(definition, cfg, deviceMsg('POST_TELEMETRY_REQUEST', { temperature: 25 }), { scripts }))
        .relations,
    ).toEqual(['True']);
    expect(
      (await runNode(definition, cfg, deviceMsg('POST_TELEMETRY_REQUEST', { temperature: 15 }), { scripts }))
        .relations,
    ).toEqual(['False']);
  });

  it('fails when the script returns something other than a boolean', async () => {
    const r = await runNode(definition, { jsScript: 'return "yes";' }, deviceMsg('X', {}), {
      scripts: testScripts(),
      nodeId: '77777777-7777-4777-8777-777777777777',
    });
    expect(r.out[0]).toMatchObject({ relation: 'Failure', error: expect.stringMatching(/true or false/) });
  });

  it('fails with the compile error when the script does not compile', async () => {
    const r = await runNode(definition, { jsScript: 'return (;' }, deviceMsg('X', {}), {
      scripts: testScripts(),
      nodeId: '88888888-8888-4888-8888-888888888888',
    });
    expect(r.out[0]).toMatchObject({ relation: 'Failure', error: expect.stringMatching(/does not compile/) });
  });

  it('cannot reach the host from the script', async () => {
    const r = await runNode(
      definition,
      { jsScript: 'return typeof process !== "undefined" || typeof require !== "undefined";' },
      deviceMsg('X', {}),
      {
        scripts: testScripts(),
        nodeId: '99999999-9999-4999-8999-999999999999',
      },
    );
    expect(r.relations).toEqual(['False']);
  });
});
