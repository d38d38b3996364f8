import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { SimulatorOptions } from './options.js';

export interface Output {
  log(line: string): void;
  error(line: string): void;
}

/** The broker could not be reached or refused us; the message is the sentence to show. */
export class BrokerUnreachableError extends Error {}

export interface RunningSimulator {
  /** Resolves with a sentence when the broker stayed away longer than the reconnect window. */
  readonly lost: Promise<string>;
  /** Stops publishing and disconnects; resolves with a one-line summary. */
  stop(): Promise<string>;
}

const RECONNECT_EVERY_MS = 2000;
const GIVE_UP_AFTER_MS = 60_000;
/** Above this many readings per second in total, one summary line replaces a line per reading. */
const PRINT_EACH_UP_TO_PER_SEC = 5;
const SUMMARY_EVERY_MS = 10_000;

/**
 * Connects, subscribes every device to its command topics and starts publishing readings.
 * Rejects with BrokerUnreachableError when the broker does not accept the connection in time;
 * a connection lost later is retried for a while (the demo platform may be restarting).
 */
export async function startSimulator(opts: SimulatorOptions, out: Output): Promise<RunningSimulator> {
  const client = await connect(opts);
  // Retry only once we know the broker exists; the first failure ends the program with a sentence.
  client.options.reconnectPeriod = RECONNECT_EVERY_MS;

  const devices = new Map(opts.devices.map((name) => [name, new Sensor(name)]));
  const commandTopics = opts.devices.flatMap((n) => [
    `${opts.prefix}/${n}/rx`,
    `${opts.prefix}/${n}/rx/twoway`,
  ]);
  await subscribe(client, commandTopics, opts.qos);

  const counts = { readings: 0, commands: 0, answers: 0, failed: 0 };
  client.on('message', (topic, payload) => {
    const cmd = parseCommandTopic(opts.prefix, topic);
    if (!cmd || !devices.has(cmd.device)) return; // another simulator's device on the same broker
    counts.commands++;
    const text = payload.toString('utf8');
    out.log(`Incoming message\nTopic: ${topic}\nMessage: ${text}`);
    if (!cmd.twoWay) return;
    out.log('This is a Two-way RPC call. Going to reply now!');
    const answer = JSON.stringify(answerFor(text, opts.echoId));
    out.log(`Sending a response message: ${answer}`);
    client.publish(`${opts.prefix}/${cmd.device}/rx/response`, answer, { qos: opts.qos }, (err) => {
      if (err) out.error(`Could not send the answer for ${cmd.device}: ${err.message}`);
      else counts.answers++;
    });
  });

  const totalRate = opts.rate * opts.devices.length;
  const printEach = totalRate <= PRINT_EACH_UP_TO_PER_SEC;
  const timers: NodeJS.Timeout[] = [];
  if (opts.rate > 0) {
    const period = 1000 / opts.rate;
    for (const sensor of devices.values()) {
      const topic = `${opts.prefix}/${sensor.name}/temperature`;
      const tick = () => {
        // A real sensor's QoS 0 reading taken while offline is simply lost; do not queue a burst.
        if (!client.connected) return;
        const body = JSON.stringify({ value: sensor.next() });
        client.publish(topic, body, { qos: opts.qos }, (err) => {
          if (err) counts.failed++;
        });
        counts.readings++;
        if (printEach) out.log(`${sensor.name} sent ${body} to ${topic}`);
      };
      // Spread the devices over one period so N devices do not publish in one burst.
      timers.push(
        setTimeout(() => {
          tick();
          timers.push(setInterval(tick, period));
        }, Math.random() * period),
      );
    }
  }
  let lastSummary = { at: Date.now(), readings: 0 };
  if (opts.rate > 0 && !printEach) {
    timers.push(
      setInterval(() => {
        const now = Date.now();
        const n = counts.readings - lastSummary.readings;
        const perSec = (n / ((now - lastSummary.at) / 1000)).toFixed(1);
        out.log(
          `Published ${n} readings in the last ${Math.round((now - lastSummary.at) / 1000)} s (${perSec}/s).`,
        );
        lastSummary = { at: now, readings: counts.readings };
      }, SUMMARY_EVERY_MS),
    );
  }

  out.log(describe(opts, totalRate, printEach));

  const lost = watchConnection(client, opts.url, out);
  return {
    lost,
    stop: async () => {
      timers.forEach((t) => clearTimeout(t));
      await disconnect(client);
      return (
        `Stopped: sent ${plural(counts.readings, 'reading')}` +
        (counts.failed ? ` (${counts.failed} failed)` : '') +
        `, received ${plural(counts.commands, 'command')}, answered ${counts.answers}.`
      );
    },
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A temperature that wanders slowly between 15 and 45 °C, one decimal. */
class Sensor {
  private t = 20 + Math.random() * 10;
  constructor(readonly name: string) {}
  next(): number {
    this.t = Math.min(45, Math.max(15, this.t + (Math.random() - 0.5)));
    return Math.round(this.t * 10) / 10;
  }
}

export function parseCommandTopic(prefix: string, topic: string): { device: string; twoWay: boolean } | null {
  if (!topic.startsWith(`${prefix}/`)) return null;
  const rest = topic.slice(prefix.length + 1);
  const m = /^([^/]+)\/rx(\/twoway)?$/.exec(rest);
  return m ? { device: m[1]!, twoWay: !!m[2] } : null;
}

/** {"rpcReceived":"OK"}, plus the command's request id when asked to and the command carries one. */
export function answerFor(command: string, echoId: boolean): Record<string, unknown> {
  const answer: Record<string, unknown> = { rpcReceived: 'OK' };
  if (!echoId) return answer;
  let parsed: unknown;
  try {
    parsed = JSON.parse(command);
  } catch {
    return answer; // not JSON: nothing to echo, the plain answer is still right
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const o = parsed as Record<string, unknown>;
    const id = o.requestId ?? o.requestUUID ?? o.id;
    if (typeof id === 'string' || typeof id === 'number') answer.requestId = id;
  }
  return answer;
}

function connect(opts: SimulatorOptions): Promise<MqttClient> {
  const timeoutMs = opts.connectTimeoutSec * 1000;
  const client = mqtt.connect(opts.url, {
    clientId: `bb-sim-${randomBytes(4).toString('hex')}`,
    connectTimeout: timeoutMs,
    reconnectPeriod: 0,
    username: opts.username,
    password: opts.password,
  });
  return new Promise((resolve, reject) => {
    const onError = (e: Error & { code?: string | number }) => fail(explain(e, opts.connectTimeoutSec));
    const onClose = () => fail('the connection was closed before the broker accepted it');
    const settle = () => {
      clearTimeout(timer);
      client.removeListener('error', onError);
      client.removeListener('close', onClose);
    };
    const fail = (why: string) => {
      settle();
      client.on('error', () => undefined); // late socket errors of a client we are discarding
      client.end(true);
      reject(new BrokerUnreachableError(`Could not connect to the MQTT broker at ${opts.url}: ${why}.`));
    };
    // mqtt.js has its own CONNACK timeout; this one also covers a stalled DNS lookup or TCP connect.
    const timer = setTimeout(
      () =>
        fail(`no answer within ${opts.connectTimeoutSec} s (is the broker running and the address right?)`),
      timeoutMs + 500,
    );
    client.once('connect', () => {
      settle();
      resolve(client);
    });
    client.once('error', onError);
    client.once('close', onClose);
  });
}

function explain(e: Error & { code?: string | number }, timeoutSec: number): string {
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'nothing listens there (is the broker or `pnpm demo` running?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name is unknown';
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the host cannot be reached';
  }
  if (e.message === 'connack timeout') return `no answer within ${timeoutSec} s (is it an MQTT broker?)`;
  // CONNACK refusals carry the MQTT return code as a number (bad credentials, not authorised, ...).
  if (typeof e.code === 'number') return `the broker refused the connection (${e.message})`;
  if (e.code === undefined) return `what answers there does not speak MQTT 3.1.1 (${e.message})`;
  return e.message;
}

async function subscribe(client: MqttClient, topics: string[], qos: 0 | 1 | 2): Promise<void> {
  const granted = await client.subscribeAsync(topics, { qos });
  const refused = granted.filter((g) => g.qos === 128).map((g) => g.topic);
  if (refused.length) {
    await disconnect(client);
    throw new BrokerUnreachableError(
      `The broker refused the subscription to ${refused.slice(0, 3).join(', ')}${refused.length > 3 ? ', …' : ''}; check its access rules.`,
    );
  }
}

function watchConnection(client: MqttClient, url: string, out: Output): Promise<string> {
  return new Promise((resolve) => {
    let giveUp: NodeJS.Timeout | null = null;
    // Reconnect attempts fail with socket errors every few seconds; the offline line already says so.
    client.on('error', () => undefined);
    client.on('offline', () => {
      out.error(
        `Lost the connection to the broker at ${url}; reconnecting every ${RECONNECT_EVERY_MS / 1000} s for up to ${GIVE_UP_AFTER_MS / 1000} s.`,
      );
      giveUp ??= setTimeout(
        () =>
          resolve(`The broker at ${url} has been unreachable for ${GIVE_UP_AFTER_MS / 1000} s; giving up.`),
        GIVE_UP_AFTER_MS,
      );
    });
    client.on('connect', () => {
      if (!giveUp) return;
      clearTimeout(giveUp);
      giveUp = null;
      out.log(`Reconnected to ${url}.`);
    });
    client.on('end', () => giveUp && clearTimeout(giveUp));
  });
}

async function disconnect(client: MqttClient): Promise<void> {
  // A graceful DISCONNECT, but never wait long for a broker that is gone.
  await Promise.race([client.endAsync(), new Promise((r) => setTimeout(r, 2000).unref())]);
  if (!client.disconnected) await client.endAsync(true);
}

function describe(opts: SimulatorOptions, totalRate: number, printEach: boolean): string {
  const n = opts.devices.length;
  const names = n <= 3 ? opts.devices.join(', ') : `${opts.devices[0]} … ${opts.devices[n - 1]}`;
  const who = n === 1 ? opts.devices[0]! : '<name>';
  const lines = [`Connected to ${opts.url} as ${n} device${n === 1 ? '' : 's'} (${names}).`];
  if (opts.rate > 0) {
    const every = opts.rate === 1 ? 'once per second' : `${opts.rate} times per second`;
    lines.push(
      `Publishing {"value":<temperature>} to ${opts.prefix}/${who}/temperature ${every}` +
        (n > 1 ? ` per device (${totalRate}/s in total)` : '') +
        (printEach ? '.' : `; a summary line every ${SUMMARY_EVERY_MS / 1000} s.`),
    );
  } else {
    lines.push('Not publishing readings (--rate 0).');
  }
  lines.push(
    `Listening for commands on ${opts.prefix}/${who}/rx and .../rx/twoway; two-way commands are answered on .../rx/response.`,
    'Press Ctrl-C to stop.',
  );
  return lines.join('\n');
}
