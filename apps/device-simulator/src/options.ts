import { parseArgs } from 'node:util';

export interface SimulatorOptions {
  url: string;
  devices: string[];
  /** Readings per second per device; 0 publishes nothing. */
  rate: number;
  prefix: string;
  qos: 0 | 1 | 2;
  echoId: boolean;
  connectTimeoutSec: number;
  username?: string;
  password?: string;
}

export const DEFAULT_PREFIX = 'tb/mqtt-integration-tutorial/sensors';

export const HELP = `Bridgeboard device simulator: MQTT sensors for the tutorial (docs/tutorial.md).

Each device <name> publishes {"value":<temperature>} to <prefix>/<name>/temperature,
prints every command it receives on <prefix>/<name>/rx and <prefix>/<name>/rx/twoway, and
answers two-way commands with {"rpcReceived":"OK"} on <prefix>/<name>/rx/response.

Usage: pnpm simulate -- [options]

  --url <url>              broker to connect to (default mqtt://localhost:1883, the demo's broker)
  --devices <n>            simulate n devices named SN-001, SN-002, ... (default 1)
  --names <a,b,...>        simulate devices with these names instead
  --rate <per second>      readings per second per device, 0 to publish none (default 1)
  --prefix <topic>         topic prefix (default ${DEFAULT_PREFIX})
  --qos <0|1|2>            QoS for readings, answers and subscriptions (default 0)
  --echo-id                add the command's request id to the answer:
                           {"rpcReceived":"OK","requestId":<id>} when the command is a JSON object
                           with "requestId", "requestUUID" or "id"
  --connect-timeout <s>    give up when the broker has not answered within this many seconds (default 5)
  --username <user>        broker user name (also MQTT_USERNAME)
  --password <password>    broker password (also MQTT_PASSWORD)
  -h, --help               show this help

Examples:
  pnpm simulate                                   # SN-001, one reading per second, demo broker
  pnpm simulate --devices 50 --rate 10            # 500 readings per second in total
  pnpm simulate --names boiler-1,boiler-2 --rate 0 --echo-id

Stop with Ctrl-C. Exit codes: 0 stopped, 1 broker unreachable or lost, 2 wrong option.`;

/** A wrong command line; the message is a sentence that names the option. */
export class UsageError extends Error {}

export type ParseResult = { help: true } | { help: false; options: SimulatorOptions };

const MAX_DEVICES = 100_000;
const MAX_RATE = 1000;

export function parseOptions(argv: string[], env: Record<string, string | undefined> = {}): ParseResult {
  // `pnpm simulate -- --devices 3` hands the separator through to the script; it is not a positional.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string', default: 'mqtt://localhost:1883' },
        devices: { type: 'string' },
        names: { type: 'string' },
        rate: { type: 'string', default: '1' },
        prefix: { type: 'string', default: DEFAULT_PREFIX },
        qos: { type: 'string', default: '0' },
        'echo-id': { type: 'boolean', default: false },
        'connect-timeout': { type: 'string', default: '5' },
        username: { type: 'string' },
        password: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    // parseArgs' own messages name the option; add where to look.
    throw new UsageError(`${(e as Error).message.replace(/\.?$/, '.')} Run with --help to see the options.`);
  }
  if (values.help) return { help: true };

  return {
    help: false,
    options: {
      url: parseUrl(values.url),
      devices: deviceNames(values.devices, values.names),
      rate: number('--rate', values.rate, 0, MAX_RATE),
      prefix: parsePrefix(values.prefix),
      qos: parseQos(values.qos),
      echoId: values['echo-id'],
      connectTimeoutSec: number('--connect-timeout', values['connect-timeout'], 0.1, 600),
      username: values.username ?? env.MQTT_USERNAME,
      password: values.password ?? env.MQTT_PASSWORD,
    },
  };
}

/** SN-001 … SN-NNN; numbers are padded to three digits or to the width of n, whichever is larger. */
export function numberedNames(n: number): string[] {
  const width = Math.max(3, String(n).length);
  return Array.from({ length: n }, (_, i) => `SN-${String(i + 1).padStart(width, '0')}`);
}

function deviceNames(devices: string | undefined, names: string | undefined): string[] {
  if (devices !== undefined && names !== undefined) {
    throw new UsageError('Use either --devices or --names, not both.');
  }
  if (names !== undefined) {
    const list = names.split(',').map((s) => s.trim());
    if (list.some((s) => s === ''))
      throw new UsageError(`--names needs a comma-separated list of names (got "${names}").`);
    const bad = list.find((s) => /[/+#]/.test(s));
    if (bad) throw new UsageError(`--names: "${bad}" cannot be part of a topic; leave out "/", "+" and "#".`);
    if (new Set(list).size !== list.length) throw new UsageError(`--names lists a name twice ("${names}").`);
    return list;
  }
  return numberedNames(devices === undefined ? 1 : integer('--devices', devices, 1, MAX_DEVICES));
}

function parseUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UsageError(`--url must look like mqtt://host:port (got "${raw}").`);
  }
  if (!['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:'].includes(u.protocol) || !u.hostname) {
    throw new UsageError(`--url must look like mqtt://host:port, mqtts://, ws:// or wss:// (got "${raw}").`);
  }
  return raw;
}

function parsePrefix(raw: string): string {
  const p = raw.replace(/\/+$/, '');
  if (p === '' || /[+#]/.test(p)) {
    throw new UsageError(
      `--prefix must be a topic without "+" or "#", like ${DEFAULT_PREFIX} (got "${raw}").`,
    );
  }
  return p;
}

function parseQos(raw: string): 0 | 1 | 2 {
  if (raw !== '0' && raw !== '1' && raw !== '2')
    throw new UsageError(`--qos must be 0, 1 or 2 (got "${raw}").`);
  return Number(raw) as 0 | 1 | 2;
}

function number(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`${name} must be a number from ${min} to ${max} (got "${raw}").`);
  }
  return n;
}

function integer(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max} (got "${raw}").`);
  }
  return n;
}
