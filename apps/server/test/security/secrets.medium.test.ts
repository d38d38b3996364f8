import { generateKeyPairSync, randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { io as connect, type Socket } from 'socket.io-client';
import { loadConfig } from '../../src/config/config.js';
import { startPlatform, type RunningPlatform } from '../../src/app.js';
import { bearer, createTestDatabase, eventually } from '../helpers.js';
import request from 'supertest';
import { SecurityReport } from './report.js';

// Issue 10, point 18: broker passwords and private keys never appear in an API response,
// a log line, a debug event or a live event.
const report = new SecurityReport('secrets stay write-only');
afterAll(() => report.print());

describe('integration secrets', () => {
  let p: RunningPlatform;
  let drop: () => Promise<void>;
  let token: string;
  const logs: string[] = [];
  const live: string[] = [];
  let socket: Socket;
  const writes = {
    out: process.stdout.write.bind(process.stdout),
    err: process.stderr.write.bind(process.stderr),
  };
  const suffix = randomBytes(4).toString('hex');
  const password = `Br0ker-Pa55-${suffix}`;
  const keyPassword = `K3y-Pa55-${suffix}`;
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 1024,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: keyPassword },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  // any line of the key's base64 body is enough to recognise a leak, even a partial one
  const keyLines = privateKey.split('\n').filter((l) => l && !l.startsWith('-----'));
  const secrets = [password, keyPassword, ...keyLines.slice(0, 3), keyLines[keyLines.length - 2]!];
  const http = () => request(p.app.getHttpServer());
  const leaks = (text: string) => secrets.filter((s) => text.includes(s)).map((s) => s.slice(0, 12) + '…');

  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    // capture every log line the platform writes, at the most verbose level
    const capture = () =>
      ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        logs.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        // kept, not printed: verbose logs would drown the test output
        const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        done?.();
        return true;
      }) as typeof process.stdout.write;
    process.stdout.write = capture();
    process.stderr.write = capture();
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      EMBEDDED_BROKER: 'off',
      BCRYPT_ROUNDS: '4',
      LOG_LEVEL: 'verbose',
      LOG_FORMAT: 'json',
    });
    p = await startPlatform(config);
    token = (
      await http()
        .post('/api/auth/login')
        .send({ username: config.TENANT_EMAIL, password: config.TENANT_PASSWORD })
    ).body.token;
    socket = connect(p.url, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      auth: { token },
    });
    socket.onAny((event: string, payload: unknown) => live.push(`${event} ${JSON.stringify(payload)}`));
    await new Promise<void>((r, j) => {
      socket.on('connect', () => r());
      socket.on('connect_error', j);
    });
    await socket.timeout(3000).emitWithAck('subscribe', { room: 'tenant' });
  });
  afterAll(async () => {
    socket?.close();
    await p?.close();
    await drop?.();
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
  });

  it('never returns, logs or records the broker password or the private key and its password', async () => {
    const auth = bearer(token);
    const conv = await http()
      .post('/api/converter')
      .set(auth)
      .send({
        name: `sec-${suffix}`,
        type: 'UPLINK',
        debugMode: true,
        configuration: {
          scriptLang: 'JS',
          decoder: 'return {deviceName: "sec-dev", deviceType: "t", telemetry: {v: 1}};',
        },
      });
    expect(conv.status).toBe(200);
    const broker = new URL(process.env.MQTT_URL!);
    const topic = `sec/${suffix}`;
    const base = (name: string, credentials: Record<string, unknown>, ssl = false) => ({
      name,
      type: 'MQTT',
      enabled: true,
      debugMode: true,
      defaultConverterId: conv.body.id,
      configuration: {
        clientConfiguration: {
          host: broker.hostname,
          port: Number(broker.port || 1883),
          ssl,
          clientId: `sec-${name}-${suffix}`,
          credentials,
        },
        topicFilters: [{ filter: `${topic}/#`, qos: 1 }],
      },
    });
    const basic = await http()
      .post('/api/integration')
      .set(auth)
      .send(base(`basic-${suffix}`, { type: 'basic', username: `user-${suffix}`, password }));
    const pem = await http()
      .post('/api/integration')
      .set(auth)
      .send(
        base(
          `pem-${suffix}`,
          { type: 'cert.PEM', caCert: '', cert: '', privateKey, privateKeyPassword: keyPassword },
          true,
        ),
      );
    expect([basic.status, pem.status]).toEqual([200, 200]);
    expect(leaks(basic.text + pem.text)).toEqual([]);
    report.checked(
      'POST /api/integration answers (basic and cert.PEM) hold no password, key or key password',
    );

    // traffic through the basic integration (the test broker accepts any credentials or none)
    const dev = mqtt.connect(process.env.MQTT_URL!, { clientId: `sec-pub-${suffix}` });
    await new Promise((r) => dev.on('connect', r));
    await eventually(
      async () =>
        (await http().get(`/api/integration/${basic.body.id.id}/status`).set(auth)).body.status ===
          'CONNECTED' || undefined,
      15000,
    );
    await dev.publishAsync(`${topic}/a`, JSON.stringify({ v: 1 }), { qos: 1 });
    dev.end();
    await eventually(
      async () =>
        ((await http().get(`/api/events/INTEGRATION/${basic.body.id.id}?pageSize=100&page=0`).set(auth)).body
          .totalElements ?? 0) > 1 || undefined,
      15000,
    );
    // the TLS integration fails against a plain port: its error must not quote the key either
    await eventually(
      async () =>
        ((await http().get(`/api/events/INTEGRATION/${pem.body.id.id}?pageSize=100&page=0`).set(auth)).body
          .totalElements ?? 0) > 0 || undefined,
      15000,
    );

    const answers: [string, string][] = [];
    for (const id of [basic.body.id.id, pem.body.id.id]) {
      for (const url of [
        `/api/integration/${id}`,
        `/api/integration/${id}/status`,
        `/api/events/INTEGRATION/${id}?pageSize=1000&page=0`,
      ]) {
        const r = await http().get(url).set(auth);
        expect(r.status).toBe(200);
        answers.push([url, r.text]);
      }
    }
    answers.push([
      '/api/integrations',
      (await http().get('/api/integrations?pageSize=100&page=0').set(auth)).text,
    ]);
    answers.push([
      '/api/events/CONVERTER',
      (await http().get(`/api/events/CONVERTER/${conv.body.id.id}?pageSize=1000&page=0`).set(auth)).text,
    ]);
    for (const [url, text] of answers) expect({ url, leaks: leaks(text) }).toEqual({ url, leaks: [] });
    const got = JSON.parse(answers[0]![1]) as {
      configuration: { clientConfiguration: { credentials: Record<string, unknown> } };
    };
    expect(got.configuration.clientConfiguration.credentials).toEqual({
      type: 'basic',
      username: `user-${suffix}`,
    });
    report.checked(
      `GET integration, status, list and ${answers.length} answers incl. integration and converter debug events: no secret (credentials read back as {type, username})`,
    );

    // an update that omits the secrets keeps them working (write-only, not lost) and still returns none
    const again = await http()
      .post('/api/integration')
      .set(auth)
      .send({ ...base(`basic-${suffix}`, { type: 'basic', username: `user-${suffix}` }), id: basic.body.id });
    expect(again.status).toBe(200);
    expect(leaks(again.text)).toEqual([]);
    const [row] = await p.db.query<Record<string, unknown>>('SELECT * FROM integration WHERE id = $1', [
      basic.body.id.id,
    ]);
    expect(JSON.stringify(row)).toContain(password);
    report.checked(
      'an update without the password keeps the stored one (still in the database, never in an answer)',
    );

    await new Promise((r) => setTimeout(r, 300));
    const allLogs = logs.join('');
    expect(allLogs.length).toBeGreaterThan(0);
    expect(leaks(allLogs)).toEqual([]);
    report.checked(
      `${logs.length} captured log writes at LOG_LEVEL=verbose (${allLogs.length} characters): no secret`,
    );
    expect(live.length).toBeGreaterThan(0);
    expect(leaks(live.join('\n'))).toEqual([]);
    report.checked(
      `${live.length} live socket.io events of the tenant room (status, debug events): no secret`,
    );
  }, 60_000);
});
