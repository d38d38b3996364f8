import pg from 'pg';
import request from 'supertest';
import { randomBytes } from 'node:crypto';
import { loadConfig, type AppConfig } from '../src/config/config.js';
import { startPlatform, type RunningPlatform } from '../src/app.js';

/** The one helper for medium tests: a platform on its own fresh database. */
export interface TestPlatform extends RunningPlatform {
  config: AppConfig;
  mqttUrl: string;
  /** supertest agent bound to the server */
  http: () => ReturnType<typeof request>;
  /** logs in and returns the access token */
  login(username: string, password: string): Promise<string>;
  tenantToken: string;
  sysadminToken: string;
  stop(): Promise<void>;
}

export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = process.env.TEST_ADMIN_DATABASE_URL!;
  const name = `bb_t_${randomBytes(6).toString('hex')}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c2 = new pg.Client({ connectionString: admin });
      await c2.connect();
      await c2.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c2.end();
    },
  };
}

export async function startTestPlatform(env: Record<string, string> = {}): Promise<TestPlatform> {
  const db = await createTestDatabase();
  const p = await startTestNode(db.url, env);
  return {
    ...p,
    stop: async () => {
      await p.stop();
      await db.drop();
    },
  };
}

/** A platform on an existing database (a second node of a cluster); stop() leaves the database. */
export async function startTestNode(url: string, env: Record<string, string> = {}): Promise<TestPlatform> {
  const db = { url, drop: async () => undefined };
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    EMBEDDED_BROKER: 'off',
    BCRYPT_ROUNDS: '4',
    LOG_LEVEL: 'warn',
    // Tests drive the API faster than a person; the rate-limit tests set their own limits.
    REST_RATE_LIMIT_TENANT: 'off',
    ...env,
  });
  const p = await startPlatform(config, { quiet: true });
  const http = () => request(p.app.getHttpServer());
  const login = async (username: string, password: string) => {
    const r = await http().post('/api/auth/login').send({ username, password });
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.token as string;
  };
  const tenantToken = await login(config.TENANT_EMAIL, config.TENANT_PASSWORD);
  const sysadminToken = await login(config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
  return {
    ...p,
    config,
    mqttUrl: process.env.MQTT_URL!,
    http,
    login,
    tenantToken,
    sysadminToken,
    stop: async () => {
      await p.close();
      await db.drop();
    },
  };
}

/** Creates a second tenant with its admin through the API; returns the admin's token. */
export async function createTenantWithAdmin(p: TestPlatform, title: string): Promise<{ tenantId: string; token: string }> {
  const auth = { 'X-Authorization': `Bearer ${p.sysadminToken}` };
  const t = await p.http().post('/api/tenant').set(auth).send({ title });
  const email = `${randomBytes(4).toString('hex')}@${title.toLowerCase().replace(/\W/g, '')}.test`;
  const u = await p
    .http()
    .post('/api/user?sendActivationMail=false')
    .set(auth)
    .send({ email, authority: 'TENANT_ADMIN', tenantId: t.body.id });
  const link = await p.http().get(`/api/user/${u.body.id.id}/activationLink`).set(auth);
  const activateToken = /activateToken=([^&]+)/.exec(link.text)![1];
  const a = await p.http().post('/api/noauth/activate').send({ activateToken, password: 'secret-pass' });
  return { tenantId: t.body.id.id, token: a.body.token };
}

export const bearer = (token: string) => ({ 'X-Authorization': `Bearer ${token}` });

/** Polls until fn returns a truthy value or the time runs out. */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 10000, stepMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}
