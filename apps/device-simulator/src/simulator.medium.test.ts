// The simulator as a user runs it (a child process), against a real broker: MQTT_URL when set
// (CI: the machine's Mosquitto), else an aedes broker started here.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';

const PKG = path.resolve(import.meta.dirname, '..');
let brokerUrl: string;
let stopBroker: () => Promise<void> = async () => undefined;
let observer: MqttClient;
const running: Sim[] = [];

beforeAll(async () => {
  if (process.env.MQTT_URL) {
    brokerUrl = process.env.MQTT_URL;
  } else {
    const aedes = await Aedes.createBroker();
    const server = net.createServer(aedes.handle);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    brokerUrl = `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    stopBroker = () =>
      new Promise((resolve) => {
        server.close();
        aedes.close(() => resolve());
      });
  }
  observer = await mqtt.connectAsync(brokerUrl, { reconnectPeriod: 0 });
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.kill()));
});

afterAll(async () => {
  await observer?.endAsync();
  await stopBroker();
});

/** A prefix no other test (or other engineer's test on the shared broker) uses. */
const newPrefix = () => `bb-sim-test/${randomBytes(4).toString('hex')}/sensors`;

class Sim {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly proc: ChildProcess;

  constructor(args: string[]) {
    this.proc = spawn(
      process.execPath,
      ['--import', '@swc-node/register/esm-register', 'src/main.ts', ...args],
      { cwd: PKG, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.proc.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((r) => this.proc.on('exit', (code) => r(code)));
    running.push(this);
  }

  async waitFor(text: string, timeoutMs = 15_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!this.stdout.includes(text)) {
      if (Date.now() > until)
        throw new Error(
          `simulator did not print "${text}"; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  signal(sig: NodeJS.Signals): void {
    this.proc.kill(sig);
  }

  async kill(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    await this.exited;
  }
}

function startSim(...args: string[]): Sim {
  return new Sim(['--url', brokerUrl, ...args]);
}

/** Collects messages on a topic filter from now on. */
async function collect(filter: string): Promise<{ topic: string; text: string }[]> {
  const got: { topic: string; text: string }[] = [];
  observer.on('message', (topic, payload) => {
    if (topicMatches(filter, topic)) got.push({ topic, text: payload.toString() });
  });
  await observer.subscribeAsync(filter, { qos: 1 });
  return got;
}

function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('device simulator against a real broker', () => {
  it('publishes {"value":<number>} readings to <prefix>/<name>/temperature for every device at the given rate', async () => {
    const prefix = newPrefix();
    const readings = await collect(`${prefix}/+/temperature`);
    const sim = startSim('--prefix', prefix, '--devices', '3', '--rate', '5');
    await sim.waitFor('Connected to');
    const names = ['SN-001', 'SN-002', 'SN-003'];
    const of = (n: string) => readings.filter((r) => r.topic === `${prefix}/${n}/temperature`);
    await until(() => names.every((n) => of(n).length >= 5), 'five readings from each device');
    for (const r of readings) expect(JSON.parse(r.text)).toEqual({ value: expect.any(Number) });
    // The rate is per device: over two seconds each device sends about ten readings, not thirty.
    const start = readings.length;
    await new Promise((r) => setTimeout(r, 2000));
    const perDevicePerSec = (readings.length - start) / 3 / 2;
    expect(perDevicePerSec).toBeGreaterThan(2.5);
    expect(perDevicePerSec).toBeLessThan(7.5);
    expect(sim.stdout).toContain(
      `Publishing {"value":<temperature>} to ${prefix}/<name>/temperature 5 times per second per device (15/s in total)`,
    );
  });

  it('prints a one-way command received on rx and does not answer it', async () => {
    const prefix = newPrefix();
    const answers = await collect(`${prefix}/+/rx/response`);
    const sim = startSim('--prefix', prefix, '--rate', '0');
    await sim.waitFor('Press Ctrl-C to stop.');
    await observer.publishAsync(`${prefix}/SN-001/rx`, '{"value":32}', { qos: 1 });
    await sim.waitFor(`Incoming message\nTopic: ${prefix}/SN-001/rx\nMessage: {"value":32}\n`);
    await new Promise((r) => setTimeout(r, 300));
    expect(answers).toEqual([]);
    expect(sim.stdout).not.toContain('Two-way');
  });

  it('answers a two-way command on rx/twoway with {"rpcReceived":"OK"} on rx/response, printing what the guide shows', async () => {
    const prefix = newPrefix();
    const answers = await collect(`${prefix}/+/rx/response`);
    const sim = startSim('--prefix', prefix, '--names', 'SN-001,SN-002', '--rate', '0');
    await sim.waitFor('Press Ctrl-C to stop.');
    await observer.publishAsync(`${prefix}/SN-002/rx/twoway`, '{"value":36}', { qos: 1 });
    await until(() => answers.length === 1, 'the answer on rx/response');
    expect(answers).toEqual([{ topic: `${prefix}/SN-002/rx/response`, text: '{"rpcReceived":"OK"}' }]);
    await sim.waitFor(
      `Incoming message\nTopic: ${prefix}/SN-002/rx/twoway\nMessage: {"value":36}\n` +
        'This is a Two-way RPC call. Going to reply now!\n' +
        'Sending a response message: {"rpcReceived":"OK"}\n',
    );
  });

  it('with --echo-id includes the request id of a two-way command in its answer', async () => {
    const prefix = newPrefix();
    const answers = await collect(`${prefix}/SN-001/rx/response`);
    const sim = startSim('--prefix', prefix, '--rate', '0', '--echo-id', '--qos', '1');
    await sim.waitFor('Press Ctrl-C to stop.');
    await observer.publishAsync(`${prefix}/SN-001/rx/twoway`, '{"value":36,"requestId":42}', { qos: 1 });
    await until(() => answers.length === 1, 'the answer on rx/response');
    expect(JSON.parse(answers[0]!.text)).toEqual({ rpcReceived: 'OK', requestId: 42 });
  });

  it('stops on Ctrl-C (SIGINT) or SIGTERM with exit code 0 and a summary', async () => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      const sim = startSim('--prefix', newPrefix(), '--rate', '4');
      await sim.waitFor('Press Ctrl-C to stop.');
      await sim.waitFor('SN-001 sent {"value":');
      sim.signal(sig);
      expect(await sim.exited).toBe(0);
      expect(sim.stdout).toMatch(/Stopped: sent \d+ readings?, received 0 commands, answered 0\.\n$/);
      expect(sim.stderr).toBe('');
    }
  });

  it('stops on Ctrl-C with exit code 0 while it is still waiting for the broker to answer', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const sim = new Sim([
        '--url',
        `mqtt://127.0.0.1:${(silent.address() as net.AddressInfo).port}`,
        '--connect-timeout',
        '30',
      ]);
      // the TCP connection is accepted once the program is past start-up and waits for CONNACK
      await new Promise<void>((r) => silent.once('connection', () => r()));
      sim.signal('SIGINT');
      expect(await sim.exited).toBe(0);
      expect(sim.stdout).toBe('Stopped before the broker answered.\n');
    } finally {
      silent.close();
    }
  });

  it('exits with code 1 and a sentence when nothing listens at the broker address', async () => {
    const port = await freePort();
    const sim = new Sim(['--url', `mqtt://127.0.0.1:${port}`]);
    expect(await sim.exited).toBe(1);
    expect(sim.stderr).toBe(
      `Could not connect to the MQTT broker at mqtt://127.0.0.1:${port}: nothing listens there (is the broker or \`pnpm demo\` running?).\n`,
    );
    expect(sim.stdout).toBe('');
  });

  it('exits with code 1 after the connect timeout when the broker accepts TCP but never answers', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const t0 = Date.now();
      const sim = new Sim(['--url', `mqtt://127.0.0.1:${port}`, '--connect-timeout', '1']);
      expect(await sim.exited).toBe(1);
      expect(sim.stderr).toMatch(
        /^Could not connect to the MQTT broker at mqtt:\/\/127\.0\.0\.1:\d+: no answer within 1 s/,
      );
      expect(Date.now() - t0).toBeLessThan(10_000);
    } finally {
      silent.close();
    }
  });

  it('exits with code 2 and a sentence naming the option when an option is wrong', async () => {
    const sim = startSim('--qos', '3');
    expect(await sim.exited).toBe(2);
    expect(sim.stderr).toBe('--qos must be 0, 1 or 2 (got "3").\n');
  });
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}
