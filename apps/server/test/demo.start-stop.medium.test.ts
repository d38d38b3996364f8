import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { freePort, portFree } from '../src/infra/embedded-postgres.js';

const root = path.resolve(import.meta.dirname, '../../..');

/** The README's demo command, as a user starts it: its own process group, like a shell's foreground job. */
function demo(env: Record<string, string>): {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
} {
  let out = '';
  const child = spawn(process.execPath, ['scripts/bb.mjs', 'demo'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', MQTT_URL: '', LOG_LEVEL: 'log', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out: () => out, exited };
}

async function until(what: string, ok: () => boolean, timeoutMs: number, out: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; output:\n${out().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('node scripts/bb.mjs demo', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bb-demo-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stops on Ctrl-C after storing what it was writing, exits 0 quietly, starts again without rebuilding, and stops on SIGTERM to its pid; nothing is left listening', async () => {
    const [port, pgPort, brokerPort] = [await freePort(), await freePort(), await freePort()];
    const ports = [port, pgPort, brokerPort];
    const env = {
      PORT: String(port),
      EMBEDDED_PG_PORT: String(pgPort),
      EMBEDDED_BROKER_PORT: String(brokerPort),
      DATA_DIR: dataDir,
    };
    const api = `http://127.0.0.1:${port}`;

    // first start: builds what is not built yet
    let d = demo(env);
    await until('the banner', () => d.out().includes('Bridgeboard is running at'), 400_000, d.out);
    expect(d.out().trimEnd().endsWith('stop with Ctrl-C')).toBe(true); // the banner is the last thing shown
    expect(d.out()).not.toMatch(/Mapped \{/); // route listings are debug lines
    const login = await (
      await fetch(`${api}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'tenant@example.com', password: 'tenant' }),
      })
    ).json();
    const auth = { 'X-Authorization': `Bearer ${login.token as string}` };
    const loaded = await (
      await fetch(`${api}/api/import/example/mqtt-tutorial`, { method: 'POST', headers: auth })
    ).json();
    const integrationId = (loaded.created as { entityType: string; id: string }[]).find(
      (e) => e.entityType === 'INTEGRATION',
    )!.id;
    const status = async () =>
      (await (await fetch(`${api}/api/integration/${integrationId}/status`, { headers: auth })).json()) as {
        status: string;
        messagesIn: number;
      };
    for (let i = 0; i < 50 && (await status()).status !== 'CONNECTED'; i++)
      await new Promise((r) => setTimeout(r, 200));
    const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${brokerPort}`);
    for (let i = 0; i < 3; i++)
      await pub.publishAsync(
        'tb/mqtt-integration-tutorial/sensors/SN-001/temperature',
        JSON.stringify({ value: 20 + i }),
        { qos: 1 },
      );
    await pub.endAsync();
    for (let i = 0; i < 50 && (await status()).messagesIn < 3; i++)
      await new Promise((r) => setTimeout(r, 100));

    // Ctrl-C: the terminal signals the foreground job's process group
    process.kill(-d.child.pid!, 'SIGINT');
    expect(await d.exited).toBe(0);
    expect(d.out()).toContain('Bridgeboard stopped.');
    expect(d.out()).not.toMatch(/Could not store|ELIFECYCLE|shutting down|Error/);
    for (const p of ports) expect([p, await portFree(p)]).toEqual([p, true]);

    // second start: nothing changed, nothing is built; what was written before Ctrl-C is there
    d = demo(env);
    await until('the banner again', () => d.out().includes('Bridgeboard is running at'), 120_000, d.out);
    expect(d.out()).not.toContain('$ tsc');
    expect(d.out()).not.toContain('vite build');
    expect(d.out()).toMatch(/@bridgeboard\/server: unchanged since its last build/);
    expect((await status()).messagesIn).toBe(3);
    const events = await (
      await fetch(`${api}/api/events/INTEGRATION/${integrationId}?pageSize=100&page=0`, { headers: auth })
    ).json();
    expect(
      (events.data as { body: { type: string } }[]).filter((e) => e.body.type === 'Uplink'),
    ).toHaveLength(3);

    // a supervisor's SIGTERM to the process alone
    process.kill(d.child.pid!, 'SIGTERM');
    expect(await d.exited).toBe(0);
    expect(d.out()).toContain('Bridgeboard stopped.');
    for (const p of ports) expect([p, await portFree(p)]).toEqual([p, true]);
  }, 600_000);
});
