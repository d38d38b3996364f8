import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, reachable } from './platform.js';
import { sleep } from './stats.js';

/**
 * A private Mosquitto for the run, when the binary is installed: the load never reaches other
 * users of a shared broker, and queue limits are raised so that a pipeline falling behind shows as
 * lower throughput rather than as messages the broker dropped (Mosquitto's default keeps only
 * 1,000 queued QoS 1 messages per client).
 */
export async function startMosquitto(): Promise<{ url: string; pid: number; stop(): Promise<void> } | null> {
  const bin = ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto', 'mosquitto'].find(
    (b) => spawnSync(b, ['-h']).error === undefined,
  );
  if (!bin) return null;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bb-bench-mosq-'));
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'max_queued_messages 2000000',
      'max_queued_bytes 0',
      'set_tcp_nodelay true',
      'log_dest none',
      '',
    ].join('\n'),
  );
  const child = spawn(bin, ['-c', conf], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !(await reachable('127.0.0.1', port)); i++) await sleep(50);
  if (child.exitCode !== null || !(await reachable('127.0.0.1', port))) {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
