import { Aedes } from 'aedes';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { bearer, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { createConverter, createIntegration, integrationBody, rnd, SEQ_DECODER, waitStatus } from './test-kit.js';

/** An aedes broker that only lets `user`/`right` in. */
async function authBroker(): Promise<{ port: number; close(): Promise<void> }> {
  const aedes = await Aedes.createBroker({
    authenticate: (_c, username, password, done) => {
      if (username === 'user' && password?.toString() === 'right') return done(null, true);
      const e = Object.assign(new Error('bad credentials'), { returnCode: 4 as const });
      done(e, false);
    },
  });
  const server = net.createServer(aedes.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => aedes.close(() => r()))),
  };
}

/** A TLS server with a self-signed certificate nobody trusts. */
async function untrustedTlsServer(): Promise<{ port: number; close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bb-tls-'));
  await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')]);
  const server = tls.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) }, (s) => s.end());
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('integration status tells what is wrong', () => {
  let p: TestPlatform;
  let converterId: string;
  beforeAll(async () => {
    p = await startTestPlatform({ INTEGRATION_RECONNECT_MIN_MS: '200', INTEGRATION_RECONNECT_MAX_MS: '1000' });
    converterId = await createConverter(p, SEQ_DECODER);
  });
  afterAll(async () => {
    await p.stop();
  });

  it('shows wrong credentials, keeps a stored password when an update omits it, and never returns it', async () => {
    const broker = await authBroker();
    try {
      const auth = bearer(p.tenantToken);
      const filters = [{ filter: `${rnd()}/#`, qos: 0 }];
      const wrong = await createIntegration(p, { converterId, filters, host: '127.0.0.1', port: broker.port, cleanSession: true, credentials: { type: 'basic', username: 'user', password: 'wrong' } });
      expect(await waitStatus(p, wrong.id, /^ERROR/)).toBe('ERROR: wrong username or password (the broker refused the credentials)');

      const good = await createIntegration(p, { converterId, filters, host: '127.0.0.1', port: broker.port, cleanSession: true, credentials: { type: 'basic', username: 'user', password: 'right' } });
      await waitStatus(p, good.id, 'CONNECTED');
      const got = (await p.http().get(`/api/integration/${good.id}`).set(auth)).body;
      expect(got.configuration.clientConfiguration.credentials).toEqual({ type: 'basic', username: 'user' });
      expect(JSON.stringify(got)).not.toContain('right');
      const list = (await p.http().get('/api/integrations?pageSize=100&page=0').set(auth)).body;
      expect(JSON.stringify(list)).not.toContain('"password"');
      // an update without the password keeps the stored one: still connects
      const upd = await p.http().post('/api/integration').set(auth).send({ ...got, name: 'renamed', status: undefined });
      expect(upd.status).toBe(200);
      expect(upd.body.name).toBe('renamed');
      await waitStatus(p, good.id, 'CONNECTED');
      const [row] = await p.db.query<{ secrets: { password?: string } }>('SELECT secrets FROM integration WHERE id = $1', [good.id]);
      expect(row!.secrets.password).toBe('right');
      await p.http().delete(`/api/integration/${wrong.id}`).set(auth);
      await p.http().delete(`/api/integration/${good.id}`).set(auth);
    } finally {
      await broker.close();
    }
  });

  it('shows an unknown host as unreachable', async () => {
    const { id } = await createIntegration(p, { converterId, filters: [{ filter: 'a/#', qos: 0 }], host: 'no-such-host.invalid', cleanSession: true });
    // told apart from a refused or silent port only as far as the user needs (issue 14, finding 6)
    expect(await waitStatus(p, id, /^ERROR/)).toMatch(
      /^ERROR: could not reach an MQTT broker at no-such-host\.invalid:\d+ within 5 s \(connection refused, no answer, unknown host or not an MQTT broker\): check host, port and TLS$/,
    );
    await p.http().delete(`/api/integration/${id}`).set(bearer(p.tenantToken));
  });

  it('shows a TLS failure when the broker certificate is not trusted', async () => {
    const server = await untrustedTlsServer();
    try {
      const { id } = await createIntegration(p, { converterId, filters: [{ filter: 'a/#', qos: 0 }], host: '127.0.0.1', port: server.port, ssl: true, cleanSession: true });
      expect(await waitStatus(p, id, /^ERROR/)).toMatch(/^ERROR: TLS failure: .*self[- ]signed certificate/);
      await p.http().delete(`/api/integration/${id}`).set(bearer(p.tenantToken));
    } finally {
      await server.close();
    }
  });

  it('connects on save, disconnects when disabled and reconnects when enabled again', async () => {
    const auth = bearer(p.tenantToken);
    const { id, body } = await createIntegration(p, { converterId, filters: [{ filter: `${rnd()}/#`, qos: 0 }], cleanSession: true });
    await waitStatus(p, id, 'CONNECTED');
    const off = await p.http().post('/api/integration').set(auth).send({ ...body, enabled: false, status: undefined });
    expect(off.body.status.status).toBe('DISCONNECTED');
    await p.http().post('/api/integration').set(auth).send({ ...body, enabled: true, status: undefined });
    await waitStatus(p, id, 'CONNECTED');
    await p.http().delete(`/api/integration/${id}`).set(auth);
    expect((await p.http().get(`/api/integration/${id}`).set(auth)).status).toBe(404);
  });

  it('rejects bad settings with a message naming the field', async () => {
    const auth = bearer(p.tenantToken);
    const base = integrationBody(p, { converterId, filters: [{ filter: 'a/+/b', qos: 1 }] }) as {
      configuration: { clientConfiguration: Record<string, unknown>; topicFilters: unknown[] };
    };
    const bad = async (mutate: (b: typeof base) => void) => {
      const b = structuredClone(base);
      mutate(b);
      const r = await p.http().post('/api/integration').set(auth).send(b);
      expect(r.status).toBe(400);
      return r.body.message as string;
    };
    expect(await bad((b) => (b.configuration.clientConfiguration.port = 70000))).toMatch(/port.*between 1 and 65535/);
    expect(await bad((b) => (b.configuration.topicFilters = [{ filter: 'a/#/b', qos: 0 }]))).toMatch(/topicFilters\.0\.filter.*'#' must be a whole level and the last one/);
    expect(await bad((b) => (b.configuration.topicFilters = [{ filter: 'a/b+', qos: 0 }]))).toMatch(/topicFilters\.0\.filter.*'\+' must fill a whole level/);
    expect(await bad((b) => (b.configuration.topicFilters = [{ filter: 'a/b', qos: 3 }]))).toMatch(/topicFilters\.0\.qos.*QoS must be 0, 1 or 2/);
    expect(await bad((b) => ((b as Record<string, unknown>).defaultConverterId = { entityType: 'CONVERTER', id: '00000000-0000-4000-8000-000000000000' }))).toMatch(/defaultConverterId.*no converter/);
    const downlink = await createConverter(p, 'return {contentType: "JSON", data: "{}", metadata: {}};', p.tenantToken, 'DOWNLINK');
    expect(await bad((b) => ((b as Record<string, unknown>).defaultConverterId = { entityType: 'CONVERTER', id: downlink }))).toMatch(/defaultConverterId.*downlink converter/);
  });

  it('keeps tenants apart and refuses to delete a converter an integration uses', async () => {
    const auth = bearer(p.tenantToken);
    const { id } = await createIntegration(p, { name: 'MQTT Integration', converterId, filters: [{ filter: `${rnd()}/#`, qos: 0 }], cleanSession: true });
    const { createTenantWithAdmin } = await import('../../../test/helpers.js');
    const other = await createTenantWithAdmin(p, `Other ${rnd()}`);
    expect((await p.http().get(`/api/integration/${id}`).set(bearer(other.token))).status).toBe(404);
    expect((await p.http().get(`/api/integration/${id}/status`).set(bearer(other.token))).status).toBe(404);
    expect((await p.http().delete(`/api/integration/${id}`).set(bearer(other.token))).status).toBe(404);
    expect((await p.http().get('/api/integrations?pageSize=10&page=0').set(bearer(other.token))).body.totalElements).toBe(0);
    const del = await p.http().delete(`/api/converter/${converterId}`).set(auth);
    expect(del.status).toBe(409);
    expect(del.body.message).toContain("integration 'MQTT Integration'");
    await p.http().delete(`/api/integration/${id}`).set(auth);
  });
});
