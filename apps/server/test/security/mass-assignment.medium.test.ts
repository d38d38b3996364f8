import { randomUUID } from 'node:crypto';
import { bearer, createTenantWithAdmin, startTestPlatform, type TestPlatform } from '../helpers.js';
import { SecurityReport } from './report.js';
import { listRoutes, routeKey } from './routes.js';

// Issue 10, point 13: authority, tenantId, id, createdTime and credentials fields smuggled into
// create and update bodies are ignored or refused, on every create/update route.
const report = new SecurityReport('mass assignment');
afterAll(() => report.print());

interface Ctx {
  p: TestPlatform;
  tenantA: string;
  tenantB: string;
  converter: string;
  ruleChain: string;
}

/** Fields a client must not be able to set; the values point at tenant B or are well known. */
const smuggled = (c: Ctx) => ({
  authority: 'SYS_ADMIN',
  tenantId: { entityType: 'TENANT', id: c.tenantB },
  createdTime: 1,
  credentials: { credentialsType: 'ACCESS_TOKEN', credentialsId: 'smuggled-token' },
  password: 'smuggled-pass',
  passwordHash: '$2b$04$smuggledsmuggledsmuggleOoO8nHn7xG6Wf7y3hJ1b8G6TqgQ9e',
  password_hash: '$2b$04$smuggledsmuggledsmuggleOoO8nHn7xG6Wf7y3hJ1b8G6TqgQ9e',
  activateToken: 'smuggled-activate',
  tenant_id: c.tenantB,
  created_time: 1,
});

interface EntityCase {
  entityType: string;
  table: string;
  get: (id: string) => string;
  body: (c: Ctx, name: string) => Record<string, unknown>;
}

/** Tenant entities created (POST without id) and updated (POST with id) by a tenant admin. */
const entityCases: Record<string, EntityCase> = {
  'POST /api/device': {
    entityType: 'DEVICE',
    table: 'device',
    get: (id) => `/api/device/${id}`,
    body: (_c, name) => ({ name, type: 'x' }),
  },
  'POST /api/deviceProfile': {
    entityType: 'DEVICE_PROFILE',
    table: 'device_profile',
    get: (id) => `/api/deviceProfile/${id}`,
    body: (_c, name) => ({ name }),
  },
  'POST /api/dashboard': {
    entityType: 'DASHBOARD',
    table: 'dashboard',
    get: (id) => `/api/dashboard/${id}`,
    body: (_c, name) => ({ title: name }),
  },
  'POST /api/converter': {
    entityType: 'CONVERTER',
    table: 'converter',
    get: (id) => `/api/converter/${id}`,
    body: (_c, name) => ({
      name,
      type: 'UPLINK',
      configuration: { scriptLang: 'JS', decoder: 'return {deviceName: "x", deviceType: "y"};' },
    }),
  },
  'POST /api/integration': {
    entityType: 'INTEGRATION',
    table: 'integration',
    get: (id) => `/api/integration/${id}`,
    body: (c, name) => ({
      name,
      type: 'MQTT',
      enabled: false,
      defaultConverterId: { entityType: 'CONVERTER', id: c.converter },
      configuration: {
        clientConfiguration: { host: '127.0.0.1', port: 1883 },
        topicFilters: [{ filter: `ma/${name}/#`, qos: 0 }],
      },
    }),
  },
  'POST /api/ruleChain': {
    entityType: 'RULE_CHAIN',
    table: 'rule_chain',
    get: (id) => `/api/ruleChain/${id}`,
    body: (_c, name) => ({ name }),
  },
};

/** Create/update routes checked by their own test below, or that create nothing a client could own. */
const otherRoutes: Record<string, string> = {
  'POST /api/ruleChain/metadata': 'own test: smuggled fields on nodes',
  'POST /api/tenant': 'own test: id and createdTime ignored',
  'POST /api/user': 'own test: password, activation token, id ignored',
  'POST /api/noauth/activate': 'own test: authority and tenantId ignored',
  'POST /api/auth/login': 'creates nothing but a token pair from the stored user',
  'POST /api/auth/token': 'creates nothing but a token pair from the stored user',
  'POST /api/converter/testUpLink': 'runs a script on the body; stores nothing',
  'POST /api/converter/testDownLink': 'runs a script on the body; stores nothing',
  'POST /api/ruleChain/testScript': 'runs a node script on the body; stores nothing',
  'POST /api/plugins/telemetry/:entityType/:id/timeseries/:scope':
    'stores values under keys of the client’s choice: that is the data, not fields',
  'POST /api/plugins/telemetry/:entityType/:id/attributes/:scope':
    'stores values under keys of the client’s choice: that is the data, not fields',
  'POST /api/plugins/rpc/oneway/:deviceId':
    'a command to a device; its body is the command (own check: tenantId ignored)',
  'POST /api/plugins/rpc/twoway/:deviceId': 'a command to a device; its body is the command',
  'POST /api/rpc/oneway/:deviceId': 'the v2 path of /api/plugins/rpc/oneway: a command to a device',
  'POST /api/rpc/twoway/:deviceId': 'the v2 path of /api/plugins/rpc/twoway: a command to a device',
  'POST /api/ruleChain/:id/root': 'no body',
  'POST /api/import':
    'each entry goes through its save schema; own test (transfer.medium.test.ts): tenantId, createdTime and ids ignored',
  'POST /api/import/example/:name': 'no body; the document is built in (host and port from the query)',
  'POST /api/converter/:id/versions/:version/restore':
    'no body; the version is read from the converter of the caller’s tenant (isolation matrix)',
  'POST /api/converter/:id/replay':
    'a request, parsed by replayRequestSchema (window, integration, device name, dryRun, async); the job row takes the tenant from the token',
  'POST /api/converter/:id/testOnArchive': 'runs the edited script on archived messages of the caller’s tenant; stores nothing',
  'POST /api/integration/:id/quarantine/reprocess':
    'a list of quarantine ids of the caller’s integration (reprocessRequestSchema); stores through the live path',
};

describe('mass assignment', () => {
  const c = {} as Ctx;
  let b: { tenantId: string; token: string };
  let a: Record<string, string>;
  let routes: string[];

  beforeAll(async () => {
    c.p = await startTestPlatform({ REST_RATE_LIMIT_TENANT: 'off' });
    a = bearer(c.p.tenantToken);
    b = await createTenantWithAdmin(c.p, 'Mass B');
    c.tenantB = b.tenantId;
    c.tenantA = (await c.p.http().get('/api/auth/user').set(a)).body.tenantId.id;
    routes = listRoutes(c.p.app)
      .filter((r) => r.path.startsWith('/api/') && ['POST', 'PUT', 'PATCH'].includes(r.method))
      .map(routeKey);
    if (routes.includes('POST /api/converter'))
      c.converter = (
        await c.p
          .http()
          .post('/api/converter')
          .set(a)
          .send(entityCases['POST /api/converter']!.body(c, 'ma-conv'))
      ).body.id.id;
  });
  afterAll(async () => {
    await c.p.stop();
  });

  it('has a mass-assignment check for every create and update route', () => {
    const missing = routes.filter((r) => !entityCases[r] && !otherRoutes[r]);
    expect(
      missing.map(
        (r) =>
          `route ${r} has no mass-assignment case (add it to test/security/mass-assignment.medium.test.ts)`,
      ),
    ).toEqual([]);
    report.checked(`${routes.length} POST/PUT/PATCH routes enumerated; each has a case or a reason`);
  });

  it('ignores or refuses smuggled fields on every entity create and update', async () => {
    const problems: string[] = [];
    for (const [route, ec] of Object.entries(entityCases)) {
      if (!routes.includes(route)) continue;
      const url = route.split(' ')[1]!;
      const name = `ma-${ec.table}-${randomUUID().slice(0, 6)}`;
      const created = await c.p
        .http()
        .post(url)
        .set(a)
        .send({ ...ec.body(c, name), ...smuggled(c) });
      if (created.status !== 200) {
        problems.push(
          `${route} create with smuggled fields → ${created.status} ${created.text.slice(0, 200)}`,
        );
        continue;
      }
      const id = created.body.id.id as string;
      const check = async (when: string) => {
        const [row] = await c.p.db.query<{ tenant_id: string; created_time: string }>(
          `SELECT tenant_id, created_time FROM ${ec.table} WHERE id = $1`,
          [id],
        );
        const bad: string[] = [];
        if (row?.tenant_id !== c.tenantA) bad.push(`stored tenant_id ${row?.tenant_id}`);
        if (Number(row?.created_time) === 1) bad.push('stored createdTime 1');
        const body = (await c.p.http().get(ec.get(id)).set(a)).body;
        if (body.tenantId?.id !== c.tenantA) bad.push(`answer tenantId ${JSON.stringify(body.tenantId)}`);
        if (body.createdTime === 1) bad.push('answer createdTime 1');
        for (const k of [
          'authority',
          'credentials',
          'password',
          'passwordHash',
          'password_hash',
          'activateToken',
          'tenant_id',
          'created_time',
        ])
          if (k in body) bad.push(`answer holds ${k}`);
        if ((await c.p.http().get(ec.get(id)).set(bearer(b.token))).status !== 404)
          bad.push('tenant B can read it');
        if (bad.length) problems.push(`${route} ${when}: ${bad.join(', ')}`);
        else
          report.checked(
            `${route} ${when} with authority/tenantId(B)/createdTime/credentials/password fields → stays in tenant A, fields ignored`,
          );
      };
      await check('create');
      const updated = await c.p
        .http()
        .post(url)
        .set(a)
        .send({ ...ec.body(c, name), ...smuggled(c), id: { entityType: ec.entityType, id } });
      if (updated.status !== 200 && updated.status !== 400)
        problems.push(`${route} update → ${updated.status} ${updated.text.slice(0, 200)}`);
      await check(`update (${updated.status})`);
      const chosen = randomUUID();
      const withId = await c.p
        .http()
        .post(url)
        .set(a)
        .send({ ...ec.body(c, `${name}-id`), id: { entityType: ec.entityType, id: chosen } });
      const [stored] = await c.p.db.query(`SELECT id FROM ${ec.table} WHERE id = $1`, [chosen]);
      if (stored) problems.push(`${route} created an entity with the client's chosen id (${withId.status})`);
      else report.checked(`${route} with a client-chosen new id → ${withId.status}, no entity with that id`);
    }
    expect(problems).toEqual([]);
  });

  it('ignores smuggled fields on rule nodes', async () => {
    const chains = (await c.p.http().get('/api/ruleChains?pageSize=10&page=0').set(a)).body.data as {
      id: { id: string };
      root: boolean;
    }[];
    const chain = (await c.p.http().post('/api/ruleChain').set(a).send({ name: 'ma-nodes' })).body.id
      .id as string;
    expect(chains.length).toBeGreaterThan(0);
    const r = await c.p
      .http()
      .post('/api/ruleChain/metadata')
      .set(a)
      .send({
        ruleChainId: { entityType: 'RULE_CHAIN', id: chain },
        firstNodeIndex: 0,
        nodes: [
          {
            type: 'org.thingsboard.rule.engine.action.TbLogNode',
            name: 'log',
            configuration: { scriptLang: 'JS', jsScript: 'return "x";' },
            additionalInfo: { layoutX: 1, layoutY: 1 },
            ...smuggled(c),
            ruleChainId: { entityType: 'RULE_CHAIN', id: chains[0]!.id.id },
          },
        ],
        connections: [],
      });
    expect([200, 400]).toContain(r.status);
    const rows = await c.p.db.query<{ tenant_id: string; rule_chain_id: string; created_time?: string }>(
      'SELECT * FROM rule_node WHERE rule_chain_id = $1',
      [chain],
    );
    expect(rows.every((n) => n.tenant_id === c.tenantA && Number(n.created_time ?? 0) !== 1)).toBe(true);
    report.checked(
      `POST /api/ruleChain/metadata with smuggled tenantId/createdTime/ruleChainId on a node → ${r.status}; ${rows.length} node(s) stored in tenant A and the addressed chain`,
    );
  });

  it('ignores id and createdTime on a new tenant (system administrator)', async () => {
    const chosen = randomUUID();
    const r = await c.p
      .http()
      .post('/api/tenant')
      .set(bearer(c.p.sysadminToken))
      .send({ title: 'MA Tenant', id: { entityType: 'TENANT', id: chosen }, createdTime: 1 });
    expect([200, 201]).toContain(r.status);
    expect(r.body.id.id).not.toBe(chosen);
    expect(r.body.createdTime).not.toBe(1);
    report.checked('POST /api/tenant with id and createdTime → new id chosen by the server, createdTime now');
  });

  it('ignores password, password hash, activation token, enabled and id on a new user; activation keeps the authority and tenant', async () => {
    const sys = bearer(c.p.sysadminToken);
    const email = `ma-${randomUUID().slice(0, 6)}@mass.test`;
    const chosen = randomUUID();
    const u = await c.p
      .http()
      .post('/api/user?sendActivationMail=false')
      .set(sys)
      // authority and tenantId are the system admin's to set here; the rest is smuggled
      .send({
        ...smuggled(c),
        email,
        authority: 'TENANT_ADMIN',
        tenantId: { entityType: 'TENANT', id: c.tenantB },
        id: { entityType: 'USER', id: chosen },
        enabled: true,
      });
    expect([200, 201]).toContain(u.status);
    expect(u.body.id.id).not.toBe(chosen);
    expect(u.body).not.toHaveProperty('password');
    expect(u.body).not.toHaveProperty('activateToken');
    const login = await c.p
      .http()
      .post('/api/auth/login')
      .send({ username: email, password: 'smuggled-pass' });
    expect(login.status).toBe(401);
    const act = await c.p
      .http()
      .post('/api/noauth/activate')
      .send({ activateToken: 'smuggled-activate', password: 'whatever1' });
    expect(act.status).toBe(404);
    report.checked(
      'POST /api/user with password/passwordHash/activateToken/enabled/id → no login with that password (401), the chosen activation token does not work (404)',
    );

    const link = await c.p.http().get(`/api/user/${u.body.id.id}/activationLink`).set(sys);
    const activateToken = /activateToken=([^&]+)/.exec(link.text)![1];
    const done = await c.p
      .http()
      .post('/api/noauth/activate')
      .send({
        activateToken,
        password: 'secret-pass',
        authority: 'SYS_ADMIN',
        tenantId: { entityType: 'TENANT', id: c.tenantA },
        email: 'sysadmin@example.com',
      });
    expect(done.status).toBe(200);
    const me = await c.p.http().get('/api/auth/user').set(bearer(done.body.token));
    expect(me.body).toMatchObject({ authority: 'TENANT_ADMIN', email, tenantId: { id: c.tenantB } });
    report.checked(
      'POST /api/noauth/activate with authority SYS_ADMIN, another tenantId and email → user stays TENANT_ADMIN of its tenant with its email',
    );
  });

  it('ignores a tenantId in an RPC request', async () => {
    const dev = (
      await c.p.http().post('/api/device').set(bearer(b.token)).send({ name: 'ma-rpc', type: 'x' })
    ).body.id.id as string;
    const r = await c.p
      .http()
      .post(`/api/plugins/rpc/oneway/${dev}`)
      .set(bearer(b.token))
      .send({
        method: 'x',
        params: 1,
        persistent: true,
        timeout: 60000,
        tenantId: { entityType: 'TENANT', id: c.tenantA },
      });
    expect([200, 400]).toContain(r.status);
    const rows = await c.p.db.query<{ tenant_id: string }>('SELECT tenant_id FROM rpc WHERE device_id = $1', [
      dev,
    ]);
    expect(rows.every((x) => x.tenant_id === c.tenantB)).toBe(true);
    report.checked(
      `persistent RPC with a smuggled tenantId → ${r.status}; ${rows.length} call(s) stored in the caller's tenant`,
    );
  });
});
