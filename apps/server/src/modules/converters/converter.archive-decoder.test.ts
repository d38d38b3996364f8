import { SandboxBusyError } from '@bridgeboard/sandbox';
import { whenSandboxFree } from './converter.archive-decoder.js';

describe("whenSandboxFree (past messages wait for the tenant's sandbox queue)", () => {
  it('tries again while the queue is full, then answers', async () => {
    let calls = 0;
    const r = await whenSandboxFree(
      async () => {
        if (++calls < 3) throw new SandboxBusyError('Too many sandbox calls of this tenant are waiting');
        return 'decoded';
      },
      10,
      1,
    );
    expect(r).toBe('decoded');
    expect(calls).toBe(3);
  });

  it('gives up after its attempts with the busy error, and passes any other error at once', async () => {
    let calls = 0;
    const busy = whenSandboxFree(
      async () => {
        calls++;
        throw new SandboxBusyError('still busy');
      },
      4,
      1,
    );
    await expect(busy).rejects.toThrow('still busy');
    expect(calls).toBe(4);
    calls = 0;
    await expect(
      whenSandboxFree(async () => (calls++, Promise.reject(new Error('boom'))), 4, 1),
    ).rejects.toThrow('boom');
    expect(calls).toBe(1);
  });
});
