import { deviceMsg, disposeTestSandbox, runNode, testScripts } from '../node-test-helper.js';
import { definition } from './index.js';

afterAll(() => disposeTestSandbox());

describe('Script Transform node', () => {
  it('replaces data, metadata and type with what the script returns', async () => {
    const jsScript =
      'msg.temperature = msg.temperature * 2; metadata.unit = "C"; return {msg: msg, metadata: metadata, msgType: "CUSTOM"};';
    const r = await runNode(
      definition,
      { jsScript },
      deviceMsg('POST_TELEMETRY_REQUEST', { temperature: 21 }),
      { scripts: testScripts() },
    );
    expect(r.relations).toEqual(['Success']);
    const out = r.out[0]!.msg;
    expect(JSON.parse(out.data)).toEqual({ temperature: 42 });
    expect(out.metadata).toMatchObject({ unit: 'C', deviceName: 'SN-001' });
    expect(out.type).toBe('CUSTOM');
  });

  it('keeps what the script leaves out and turns non-string metadata into JSON text', async () => {
    const jsScript = 'return {metadata: {n: 5}};';
    const r = await runNode(definition, { jsScript }, deviceMsg('T', { a: 1 }), {
      scripts: testScripts(),
      nodeId: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
    });
    expect(r.out[0]!.msg).toMatchObject({ type: 'T', data: '{"a":1}', metadata: { n: '5' } });
  });

  it('fails when the script returns no object', async () => {
    const r = await runNode(definition, { jsScript: 'return 42;' }, deviceMsg('T', {}), {
      scripts: testScripts(),
      nodeId: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
    });
    expect(r.out[0]).toMatchObject({
      relation: 'Failure',
      error: expect.stringMatching(/must return an object/),
    });
  });

  it('fails when the script throws', async () => {
    const r = await runNode(definition, { jsScript: 'throw new Error("bad input");' }, deviceMsg('T', {}), {
      scripts: testScripts(),
      nodeId: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc',
    });
    expect(r.out[0]).toMatchObject({ relation: 'Failure', error: expect.stringMatching(/bad input/) });
  });
});
