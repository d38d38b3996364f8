/**
 * The Node-RED reference (a forked process): Node-RED 4 embedded (its runtime and HTTP admin, as
 * `node-red` would run it), with a user dir in a temp folder and the flow of nodered-flow.ts. Speaks
 * the floor's protocol to the bench: start → ready, progress, stop → stopped.
 *
 * Ready means a probe message went through the whole flow into Postgres (Node-RED has no hook for
 * "subscribed"); the probe device's name is outside the load's name prefix, so it is never counted.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import type { FromFloor } from './floor.js';
import { COUNTERS, ENV_DB, ENV_TENANT, noderedFlow, type NodeRedFlowConfig } from './nodered-flow.js';
import { send, serveReference } from './reference-child.js';

export interface NodeRedConfig extends NodeRedFlowConfig {
  dbUrl: string;
  tenantId: string;
  /** a device name outside the load's prefix: the readiness probe */
  probeDevice: string;
}
export type ToNodeRed = { type: 'start'; config: NodeRedConfig } | { type: 'stop' };

const require = createRequire(import.meta.url);

/** A user dir where `pg` counts as an installed external module (a link to the bench's own, no npm install). */
function userDir(flows: unknown): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bb-bench-nodered-'));
  mkdirSync(path.join(dir, 'node_modules'));
  const pgDir = path.dirname(realpathSync(require.resolve('pg/package.json')));
  symlinkSync(pgDir, path.join(dir, 'node_modules', 'pg'), 'dir');
  const version = (require('pg/package.json') as { version: string }).version;
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'bb-bench-nodered', private: true, dependencies: { pg: version } }, null, 2),
  );
  writeFileSync(path.join(dir, 'flows.json'), JSON.stringify(flows, null, 2));
  return dir;
}

async function start(c: NodeRedConfig): Promise<() => Promise<FromFloor>> {
  const counters = { received: 0, stored: 0, errors: 0 };
  const dir = userDir(noderedFlow(c));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  // the store node reads these with env.get: no connection string in any file
  process.env[ENV_DB] = c.dbUrl;
  process.env[ENV_TENANT] = c.tenantId;
  const RED = require('node-red') as {
    init(server: http.Server, settings: Record<string, unknown>): void;
    start(): Promise<void>;
    stop(): Promise<void>;
    httpAdmin: http.RequestListener;
  };
  const server = http.createServer((req, res) => RED.httpAdmin(req, res));
  RED.init(server, {
    userDir: dir,
    flowFile: 'flows.json',
    // no credentials in this flow; a throwaway secret keeps Node-RED from warning about plain-text ones
    credentialSecret: randomBytes(16).toString('hex'),
    httpAdminRoot: '/',
    httpNodeRoot: false,
    functionExternalModules: true,
    externalModules: { modules: { allowInstall: false } },
    functionGlobalContext: { [COUNTERS]: counters },
    // errors only: its start-up warnings (projects disabled, no credentials file) are noise here
    logging: { console: { level: 'error', metrics: false, audit: false } },
    telemetry: { enabled: false },
    diagnostics: { enabled: false },
    editorTheme: { tours: false },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await RED.start();
  const admin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  // readiness: a probe through mqtt in → decoder → join → store, until it is stored
  const probe = await mqtt.connectAsync(c.mqttUrl, { clientId: `${c.clientId}-probe`, reconnectPeriod: 0 });
  const topic = c.filter.replace('+', c.probeDevice);
  const until = Date.now() + 30000;
  while (counters.stored === 0) {
    if (Date.now() > until)
      throw new Error(`Node-RED (admin ${admin}) did not store a probe message within 30 s`);
    await probe.publishAsync(topic, JSON.stringify({ value: 0, t: Date.now() }), { qos: c.qos });
    await new Promise((r) => setTimeout(r, 200));
  }
  await probe.endAsync();
  counters.received = 0;
  counters.stored = 0;
  counters.errors = 0;

  // Node-RED has no back-pressure from a flow to its MQTT socket (messages queue in memory, here as
  // batches waiting for the store node), where the floor and the platform stop reading past a high-water
  // mark. So the closed-loop publishers are paced by what it has stored: its backlog stays bounded
  // (the bench's 20,000-message window) as theirs does, and the window measures throughput, not a queue.
  const progress = setInterval(
    () => send({ type: 'progress', received: counters.stored, stored: counters.stored }),
    50,
  );
  return async () => {
    clearInterval(progress);
    const wait = Date.now() + 30000;
    while (counters.stored < counters.received && Date.now() < wait)
      await new Promise((r) => setTimeout(r, 20));
    await RED.stop();
    server.close();
    return { type: 'stopped', ...counters };
  };
}

// the bench went away (crashed, killed): do not outlive it holding a broker session and a database connection
process.on('disconnect', () => process.exit(1));
serveReference(start);
