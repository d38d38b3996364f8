import { spawnSync } from 'node:child_process';
import path from 'node:path';

describe('start-up', () => {
  it('refuses to start with a bad configuration value and names the key', () => {
    const main = path.join(import.meta.dirname, 'main.ts');
    const r = spawnSync(process.execPath, ['--no-node-snapshot', '--import', '@swc-node/register/esm-register', main], {
      env: { ...process.env, PORT: 'not-a-port', DATABASE_URL: '' },
      encoding: 'utf8',
      timeout: 30000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/PORT="not-a-port" is not valid/);
  });
});
