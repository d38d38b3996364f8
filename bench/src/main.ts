/**
 * `pnpm bench`: the ingest benchmark. Starts the platform (built, or --platform source), creates the
 * guide's converter and integrations over REST, drives MQTT load from separate publisher processes,
 * and runs the floor reference in the same run. Prints a table; writes bench/results/<time>.json.
 */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runBench } from './bench.js';
import { ROOT } from './platform.js';
import { table } from './report.js';
import { archiveTable, runArchiveAB } from './archive-ab.js';

const HELP = `pnpm bench [options]
  --scenarios 1,2,3,4,5,6   which scenarios (default: 1-6; 0 is the smoke run of the test suite; 7, two nodes
                            with a shared subscription vs one, needs Mosquitto and runs only when named)
  --duration <s>            steady measuring window per scenario (default 20; scenario 3: 60)
  --warmup <s>              warm-up before the window (default 5)
  --publishers <n>          publisher processes (default 2)
  --no-floor                skip the floor reference
  --nodered                 also run the Node-RED 4 reference (scenarios 0 and 1) after the floor
  --platform dist|source    start the built server (default when apps/server/dist exists) or run it from source
  --url <http://...>        use a running platform (with --database-url, --mqtt-url, optionally --pid)
  --database-url <url>      Postgres server (default: $DATABASE_URL, else the platform's embedded Postgres)
  --mqtt-url <url>          broker (default: $MQTT_URL, else a private Mosquitto when installed, else embedded aedes)
  --archive on|off|both     the raw-message archive (RAW_RETENTION_DAYS 7 / 0); both: scenario 1 with it off and on,
                            interleaved on platforms of their own, --rounds times each (default 2)
  --ops on|off|both         metrics and message traces on the platform (default on); both: scenario 1 with
                            them on and off in the same run, interleaved (--ops-rounds, default 2)
  --ops-rounds <n>          rounds of the on/off comparison
  --ops-vary both|metrics|traces   what the off arm switches off (default both)
  --cpu-prof                write a CPU profile of the platform under bench/results/profiles/
  --username/--password     tenant admin (default tenant@example.com / tenant)
  --storage                 the storage scenario instead (issue 18): the old and the partitioned ts_kv side by side
  --points <n>              with --storage: points per layout (default 100000000); --devices <n> (default 10000),
                            --iterations <n> per read (default 30), --keep to keep its database`;

const { values: a } = parseArgs({
  options: {
    scenarios: { type: 'string', default: '1,2,3,4,5,6' },
    duration: { type: 'string' },
    warmup: { type: 'string', default: '5' },
    publishers: { type: 'string', default: '2' },
    'no-floor': { type: 'boolean', default: false },
    nodered: { type: 'boolean', default: false },
    platform: { type: 'string' },
    url: { type: 'string' },
    pid: { type: 'string' },
    'database-url': { type: 'string' },
    'mqtt-url': { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    archive: { type: 'string' },
    rounds: { type: 'string', default: '2' },
    ops: { type: 'string', default: 'on' },
    'ops-rounds': { type: 'string', default: '2' },
    'ops-vary': { type: 'string', default: 'both' },
    username: { type: 'string', default: 'tenant@example.com' },
    password: { type: 'string', default: 'tenant' },
    help: { type: 'boolean', default: false },
    storage: { type: 'boolean', default: false },
    points: { type: 'string' },
    devices: { type: 'string' },
    iterations: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
if (a.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
if (a.storage) {
  // A scripted command of its own (not in CI): it uses the server's repository and migration from source.
  const { spawnSync } = await import('node:child_process');
  const args = ['--no-node-snapshot', '--import', path.join(ROOT, 'scripts/source-register.mjs'), 'src/modules/telemetry/bench/storage.ts'];
  for (const k of ['points', 'devices', 'iterations', 'database-url'] as const) if (a[k]) args.push(`--${k}`, String(a[k]));
  if (a.keep) args.push('--keep');
  const r = spawnSync(process.execPath, args, { cwd: path.join(ROOT, 'apps/server'), stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
/** A bad option: says what is wrong and exits 2. */
function refuse(text: string): never {
  process.stderr.write(`${text}\n`);
  process.exit(2);
}
/** An option's value, refused unless it is one of `choices`. */
function oneOf<T extends string>(option: string, value: string | undefined, choices: readonly T[]): T {
  if (!choices.includes(value as T)) refuse(`--${option} is ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}, not '${value}'`);
  return value as T;
}
/** A whole number of at least 1, or refused. */
function rounds(option: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) refuse(`--${option} takes a whole number of at least 1, not '${value}'`);
  return n;
}

const scenarios = a.scenarios!.split(',').map((s) => Number(s.trim()));
if (scenarios.some((s) => !Number.isInteger(s) || s < 0 || s > 7))
  refuse(`--scenarios takes numbers 1 to 7 (0: smoke, 7: cluster) separated by commas, not '${a.scenarios}'`);
if (a.nodered && !scenarios.some((s) => s <= 1))
  process.stderr.write('--nodered runs with scenarios 0 and 1 only; none of them is selected\n');
const platform = oneOf('platform', a.platform ?? (existsSync(path.join(ROOT, 'apps/server/dist/main.js')) ? 'dist' : 'source'), ['dist', 'source']);
const archive = a.archive === undefined ? undefined : oneOf('archive', a.archive, ['on', 'off', 'both']);
const ops = oneOf('ops', a.ops, ['on', 'off', 'both']);
const opsVary = oneOf('ops-vary', a['ops-vary'], ['both', 'metrics', 'traces']);
const opsRounds = rounds('ops-rounds', a['ops-rounds']);
const archiveRounds = rounds('rounds', a.rounds);
// the A/B comparisons start platforms of their own (one per arm and round)
if (archive === 'both' && a.url) refuse('--archive both starts platforms of its own; it cannot use --url');
if (ops === 'both' && a.url) refuse('--ops both starts its own platforms (one per mode and round); it cannot use --url');
const resultsDir = path.join(ROOT, 'bench/results');
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const cpuProfDir = a['cpu-prof'] ? path.join(resultsDir, 'profiles', stamp) : undefined;
const log = (m: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${m}\n`);

const options = {
  scenarios,
  durationSec: a.duration ? Number(a.duration) : undefined,
  warmupSec: Number(a.warmup),
  publishers: Number(a.publishers),
  floor: !a['no-floor'],
  nodered: a.nodered,
  platform,
  url: a.url,
  pid: a.pid ? Number(a.pid) : undefined,
  databaseUrl: a['database-url'] ?? (process.env.DATABASE_URL || undefined),
  mqttUrl: a['mqtt-url'] ?? (process.env.MQTT_URL || undefined),
  cpuProfDir,
  ops,
  opsRounds,
  opsVary,
  tenant: { username: a.username!, password: a.password! },
  archive: archive === 'both' ? undefined : archive,
  log,
};
if (archive === 'both') {
  const ab = await runArchiveAB(options, archiveRounds);
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${stamp}-archive.json`);
  writeFileSync(file, `${JSON.stringify(ab, null, 2)}\n`);
  process.stdout.write(`\n${archiveTable(ab)}\nwritten ${path.relative(ROOT, file)}\n`);
  process.exit(0);
}
const run = await runBench(options);
mkdirSync(resultsDir, { recursive: true });
const file = path.join(resultsDir, `${stamp}.json`);
writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
process.stdout.write(
  `\n${table(run)}\n\n${run.machine.cpus} CPUs (${run.machine.cpuModel}), Node ${run.machine.node}, commit ${run.commit.slice(0, 10)}${run.dirty ? ' (+ uncommitted changes)' : ''}\n` +
    `setup: ${run.setup}\nbefore: ${run.machine.uptimeBefore}\nafter:  ${run.machine.uptimeAfter}\n` +
    `Latency: publish time is in the payload; "commit" is read back by polling ts_kv_latest (upper bound, see JSON pollMs), "browser" is a socket.io client's arrival time.\n` +
    `written ${path.relative(ROOT, file)}${cpuProfDir ? `; CPU profile in ${path.relative(ROOT, cpuProfDir)}` : ''}\n`,
);
process.exit(0);
