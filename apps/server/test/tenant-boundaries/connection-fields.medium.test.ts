import http from 'node:http';
import net from 'node:net';
import { freePort } from '../../src/infra/embedded-postgres.js';
import { bearer, createTestDatabase, startTestPlatform, type TestPlatform } from '../helpers.js';
import { createConverter, createIntegration, integrationBody, mqttTarget, rnd, SEQ_DECODER, startPlatformOn, waitStatus } from '../../src/modules/integrations/test-kit.js';

// Issue 14, finding 6: the integration as a network probe.
describe('integration connection fields (issue 14, finding 6)', () => {
  let p: TestPlatform;
  let converterId: string;
  let deniedPort: number;
  const listeners: { close(): void }[] = [];

  beforeAll(async () => {
    deniedPort = await freePort();
    p = await startTestPlatform({
      INTEGRATION_DENY_HOSTS: `169.254.0.0/16,127.0.0.0/8:${deniedPort}`,
      INTEGRATION_RECONNECT_MIN_MS: '60000',
      INTEGRATION_RECONNECT_MAX_MS: '60000',
    });
    converterId = await createConverter(p, SEQ_DECODER);
  });
  afterAll(async () => {
    listeners.forEach((l) => l.close());
    await p.stop();
  });

  /** A line-reading service (Redis-like) that records every byte it is sent. */
  async function recordingListener(): Promise<{ port: number; received: () => string }> {
    let got = '';
    const server = net.createServer((s) => s.on('data', (b) => (got += b.toString('latin1'))));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    listeners.push(server);
    return { port: (server.address() as net.AddressInfo).port, received: () => got };
  }

  const save = (mutate: (cc: Record<string, unknown>) => void, port?: number) => {
    const b = integrationBody(p, { converterId, filters: [{ filter: `${rnd()}/#`, qos: 0 }], host: '127.0.0.1', port, cleanSession: true }) as {
      configuration: { clientConfiguration: Record<string, unknown> };
    };
    mutate(b.configuration.clientConfiguration);
    return p.http().post('/api/integration').set(bearer(p.tenantToken)).send(b);
  };

  it('refuses CR, LF and other control characters in host, client id, username and password with a 400 naming the field; nothing reaches the target', async () => {
    const target = await recordingListener();
    const inject = 'x\r\nFLUSHALL\r\nCONFIG SET dir /tmp\r\nSET pwned 1\r\n';
    const cases: [string, (cc: Record<string, unknown>) => void][] = [
      ['configuration.clientConfiguration.host', (cc) => (cc.host = `127.0.0.1\r\nFLUSHALL\r\nx`)],
      ['configuration.clientConfiguration.clientId', (cc) => (cc.clientId = inject)],
      ['configuration.clientConfiguration.credentials.username', (cc) => (cc.credentials = { type: 'basic', username: inject, password: 'pw' })],
      ['configuration.clientConfiguration.credentials.password', (cc) => (cc.credentials = { type: 'basic', username: 'u', password: inject })],
      ['configuration.clientConfiguration.clientId', (cc) => (cc.clientId = 'tab\there')],
    ];
    for (const [field, mutate] of cases) {
      const r = await save(mutate, target.port);
      expect({ field, status: r.status }).toEqual({ field, status: 400 });
      expect(r.body.field).toBe(field);
      expect(r.body.message).toMatch(new RegExp(`^Invalid ${field.replace(/\./g, '\\.')}: .* must not contain control characters \\(CR, LF, TAB, NUL, …\\)$`));
    }
    await new Promise((r) => setTimeout(r, 1000));
    expect(target.received()).not.toMatch(/FLUSHALL|CONFIG SET|pwned/);
    expect((await p.http().get('/api/integrations?pageSize=100&page=0').set(bearer(p.tenantToken))).body.totalElements).toBe(0);
  });

  it('reports a refused port, a silent port, an HTTP service and an unknown host with the same sentence, after the same wait', async () => {
    const refusedPort = await freePort();
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const web = http.createServer((_q, s) => s.end('hello'));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    listeners.push(silent, web);
    const targets = [
      { what: 'refused', host: '127.0.0.1', port: refusedPort },
      { what: 'silent', host: '127.0.0.1', port: (silent.address() as net.AddressInfo).port },
      { what: 'http', host: '127.0.0.1', port: (web.address() as net.AddressInfo).port },
      { what: 'unknown host', host: 'no-such-host.invalid', port: 1883 },
    ];
    const connectTimeoutSec = 2;
    const seen = await Promise.all(
      targets.map(async (t) => {
        const b = integrationBody(p, { converterId, filters: [{ filter: `${rnd()}/#`, qos: 0 }], host: t.host, port: t.port, cleanSession: true }) as {
          configuration: { clientConfiguration: Record<string, unknown> };
        };
        b.configuration.clientConfiguration.connectTimeoutSec = connectTimeoutSec;
        const t0 = Date.now();
        const r = await p.http().post('/api/integration').set(bearer(p.tenantToken)).send(b);
        expect(r.status).toBe(200);
        let status = '';
        while (Date.now() - t0 < 15000) {
          status = (await p.http().get(`/api/integration/${r.body.id.id}/status`).set(bearer(p.tenantToken))).body.status;
          if (status.startsWith('ERROR')) break;
          await new Promise((res) => setTimeout(res, 50));
        }
        return { ...t, ms: Date.now() - t0, text: status.replace(`${t.host}:${t.port}`, 'HOST:PORT') };
      }),
    );
    const texts = new Set(seen.map((s) => s.text));
    expect([...texts]).toEqual([
      `ERROR: could not reach an MQTT broker at HOST:PORT within ${connectTimeoutSec} s (connection refused, no answer, unknown host or not an MQTT broker): check host, port and TLS`,
    ]);
    // none answers faster than the connect timeout (a refusal is not told apart by its speed)
    for (const s of seen) expect({ what: s.what, fast: s.ms < connectTimeoutSec * 1000 - 100 }).toEqual({ what: s.what, fast: false });
  }, 30_000);

  it('refuses destinations on INTEGRATION_DENY_HOSTS on save, by address and by the name that resolves to it', async () => {
    for (const [host, port] of [
      ['169.254.169.254', 80],
      ['127.0.0.1', deniedPort],
      ['localhost', deniedPort],
    ] as const) {
      const r = await save((cc) => ((cc.host = host), (cc.port = port)));
      expect(r.status).toBe(400);
      expect(r.body.message).toBe(
        `Invalid configuration.clientConfiguration.host: destination ${host}:${port} is not allowed on this platform (the system administrator's INTEGRATION_DENY_HOSTS)`,
      );
    }
    // the same host on another port is fine
    expect((await save((cc) => (cc.port = deniedPort + 1 > 65535 ? deniedPort - 1 : deniedPort + 1))).status).toBe(200);
  });
});

describe('INTEGRATION_DENY_HOSTS on connect', () => {
  it('an integration saved before the destination was denied does not connect to it once it is', async () => {
    const db = await createTestDatabase();
    try {
      const before = await startPlatformOn(db.url);
      const converterId = await createConverter(before, SEQ_DECODER);
      const { id } = await createIntegration(before, { converterId, filters: [{ filter: `${rnd()}/#`, qos: 0 }], host: 'localhost', cleanSession: true });
      await waitStatus(before, id, 'CONNECTED');
      await before.stop();
      // the broker's port is denied now; the integration names it by a host name that resolves to 127.0.0.1
      const after = await startPlatformOn(db.url, { INTEGRATION_DENY_HOSTS: `127.0.0.0/8:${mqttTarget(before).port},[::1]:${mqttTarget(before).port}` });
      try {
        expect(await waitStatus(after, id, /^ERROR/)).toBe(
          `ERROR: destination localhost:${mqttTarget(before).port} is not allowed on this platform (the system administrator's INTEGRATION_DENY_HOSTS)`,
        );
        await new Promise((r) => setTimeout(r, 1500));
        expect((await after.http().get(`/api/integration/${id}/status`).set(bearer(after.tenantToken))).body.status).toMatch(/^ERROR: destination/);
      } finally {
        await after.stop();
      }
    } finally {
      await db.drop();
    }
  }, 60_000);
});
