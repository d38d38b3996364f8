/**
 * ThingsBoard's own Python REST client (tb-rest-client 4.3, RestClientPE) against Bridgeboard:
 *
 *   pnpm test:tb-client
 *
 * Sets up a Python venv with the client's dependencies (pip; Debian's python3-* packages through apt-get when
 * pip cannot reach an index) and the client itself, unpacked from tb-rest-client-4.3.tgz (TB_REST_CLIENT_TGZ,
 * else ../shared/reference/ beside the repository). Starts a platform of its own (from source, so no build is
 * needed and none can be stale; DATABASE_URL's server or embedded Postgres; MQTT_URL or the embedded broker), then
 * runs guide.py, which walks the MQTT integration guide and the contracts.md endpoints with the client's own
 * high-level methods only. Ends with "N passed, N failed". Without python3 it says so in one line and exits 0.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  GUIDE_DECODER,
  GUIDE_DECODER_TWOWAY,
  GUIDE_ENCODER,
  GUIDE_ENCODER_TWOWAY,
} from '@bridgeboard/contracts';
import { ROOT, startPlatform, type Platform } from '../platform.js';

const HERE = path.join(ROOT, 'e2e/tb-client');
const VENV = path.join(ROOT, '.tmp/tb-client-venv');
const VPY = path.join(VENV, 'bin/python');
const TGZ_CANDIDATES = [
  process.env.TB_REST_CLIENT_TGZ,
  path.join(ROOT, '../shared/reference/tb-rest-client-4.3.tgz'),
].filter(Boolean) as string[];
const PIP_PACKAGES = ['requests', 'python-dateutil', 'six', 'certifi', 'pyjwt'];
const DEBIAN_PACKAGES = [
  'python3-venv',
  'python3-requests',
  'python3-dateutil',
  'python3-six',
  'python3-certifi',
  'python3-jwt',
];

const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const run = (cmd: string, args: string[], quiet = true) =>
  execFileSync(cmd, args, {
    stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });

function sitePackages(): string {
  return execFileSync(VPY, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'])
    .toString()
    .trim();
}

/** The venv with the client's dependencies and the client; reused while it imports. */
function ensureVenv(): void {
  if (
    existsSync(VPY) &&
    has(VPY, ['-c', 'import tb_rest_client.rest_client_pe, requests, dateutil, six, certifi, jwt'])
  )
    return;
  const tgz = TGZ_CANDIDATES.find((p) => existsSync(p));
  if (!tgz)
    throw new Error(
      `tb-rest-client-4.3.tgz not found (looked at ${TGZ_CANDIDATES.join(', ')}); set TB_REST_CLIENT_TGZ`,
    );
  rmSync(VENV, { recursive: true, force: true });
  mkdirSync(path.dirname(VENV), { recursive: true });
  let pipOk = false;
  if (has('python3', ['-m', 'venv', VENV])) {
    try {
      // few retries: where the public index is unreachable pip would otherwise wait minutes before a mirror answers
      run(VPY, [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--retries',
        '1',
        '--timeout',
        '15',
        ...PIP_PACKAGES,
      ]);
      pipOk = true;
    } catch (e) {
      console.log(
        `pip could not install ${PIP_PACKAGES.join(' ')} (${String((e as Error).message).split('\n')[0]}); using Debian's packages`,
      );
    }
  }
  if (!pipOk) {
    const apt = (args: string[]) =>
      process.getuid?.() === 0 ? run('apt-get', args, false) : run('sudo', ['-n', 'apt-get', ...args], false);
    apt(['update', '-qq']);
    apt(['install', '-y', '-qq', '--no-install-recommends', ...DEBIAN_PACKAGES]);
    rmSync(VENV, { recursive: true, force: true });
    // Debian's python, not another python3 earlier on PATH: its packages are the ones just installed
    run('/usr/bin/python3', ['-m', 'venv', '--system-site-packages', '--without-pip', VENV]);
  }
  run('tar', ['xzf', tgz, '-C', sitePackages()]);
  if (!has(VPY, ['-c', 'import tb_rest_client.rest_client_pe']))
    throw new Error(`the client from ${tgz} does not import in ${VENV}`);
}

async function main(): Promise<number> {
  if (!has('python3', ['--version'])) {
    console.log(
      "tb-client: skipped, python3 is not installed (ThingsBoard's REST client is a Python package)",
    );
    return 0;
  }
  const t0 = Date.now();
  ensureVenv();
  console.log(`tb-client: venv ready in ${Date.now() - t0} ms (${VENV})`);
  let platform: Platform | null = null;
  try {
    platform = await startPlatform({ web: false });
    console.log(
      `tb-client: platform up at ${platform.baseUrl} (broker ${platform.mqttUrl}) in ${Date.now() - t0} ms`,
    );
    // the guide's four scripts, verbatim, from the one copy the repository keeps
    const scripts = path.join(path.dirname(VENV), 'tb-client-scripts.json');
    writeFileSync(
      scripts,
      JSON.stringify({
        decoder: GUIDE_DECODER,
        encoder: GUIDE_ENCODER,
        decoderTwoway: GUIDE_DECODER_TWOWAY,
        encoderTwoway: GUIDE_ENCODER_TWOWAY,
      }),
    );
    const guideArgs = [
      '--url',
      platform.baseUrl,
      '--mqtt-host',
      platform.brokerHost,
      '--mqtt-port',
      String(platform.brokerPort),
      '--scripts',
      scripts,
    ];
    const child = spawn(VPY, [path.join(HERE, 'guide.py'), ...guideArgs], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
    });
    // The client prints a warning for every answer that carries fields its model lacks (Bridgeboard's extras,
    // such as debugModeUntil or status): counted, not repeated.
    let extras = 0;
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (l) => {
      if (l.startsWith('WARNING: received data fields not the same as in the')) extras++;
      else {
        if (/^\d+ passed, \d+ failed/.test(l) && extras)
          console.log(
            `(the client noted extra fields ${extras} times: Bridgeboard's own additions to ThingsBoard's shapes)`,
          );
        console.log(l);
      }
    });
    const code = await new Promise<number>((r) => child.once('close', (c) => r(c ?? 1)));
    if (code !== 0 && platform)
      console.log(`--- last platform log lines ---\n${platform.logs.slice(-20).join('\n')}`);
    return code;
  } finally {
    await platform?.stop();
    for (const f of readdirSync(HERE).filter((n) => n === '__pycache__'))
      rmSync(path.join(HERE, f), { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`tb-client: ${(e as Error)?.stack ?? String(e)}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
