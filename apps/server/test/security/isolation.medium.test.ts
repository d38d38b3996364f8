import { bearer, createTenantWithAdmin, startTestPlatform, type TestPlatform } from '../helpers.js';
import {
  type Attack,
  type Fixture,
  integrationBody,
  isApi,
  MARK,
  matrix,
  unscoped,
} from './isolation.matrix.js';
import { SecurityReport } from './report.js';
import { hasParam, listRoutes, routeKey } from './routes.js';
import { snapshotTenant } from './snapshot.js';

// Issue 10, point 12: tenant B's admin, with tenant A's ids, reads nothing and writes nothing.
const report = new SecurityReport('tenant isolation matrix (REST)');
afterAll(() => report.print());

describe('tenant isolation matrix', () => {
  let p: TestPlatform;
  let b: { tenantId: string; token: string };
  let f: Fixture;
  let routes: ReturnType<typeof listRoutes>;
  const has = (key: string) => routes.some((r) => routeKey(r) === key);

  beforeAll(async () => {
    p = await startTestPlatform({ REST_RATE_LIMIT_TENANT: 'off' });
    b = await createTenantWithAdmin(p, 'Tenant B');
    routes = listRoutes(p.app).filter((r) => isApi(r.path));
    f = await createFixture(p, b.token, has);
  }, 60_000);
  afterAll(async () => {
    await p.stop();
  });

  it('has an isolation case for every API route (a new route must add one)', () => {
    const missing = routes
      .filter((r) => !matrix[routeKey(r)] && (hasParam(r) || !unscoped[routeKey(r)]))
      .map(routeKey);
    expect(
      missing.map((k) => `route ${k} has no isolation case (add it to test/security/isolation.matrix.ts)`),
    ).toEqual([]);
    const withParam = routes.filter(hasParam).length;
    report.checked(
      `${routes.length} API routes enumerated from the Express router, ${withParam} with a path id; every one has a case or a reason`,
    );
    const unused = Object.keys(matrix).filter((k) => !has(k));
    if (unused.length)
      report.checked(`cases waiting for their routes (module not registered yet): ${unused.join(', ')}`);
  });

  it("gives tenant B's admin no read and no write of tenant A's data on any route", async () => {
    const attacks = routes.flatMap((r) =>
      matrix[routeKey(r)] ? matrix[routeKey(r)]!(f).map((a) => ({ route: routeKey(r), a })) : [],
    );
    const a = bearer(p.tenantToken);
    // controls first: the same request reaches A's data with A's token, so a 404 below is isolation, not a typo
    for (const { route, a: atk } of attacks) {
      if (!(atk.control ?? (atk.method === 'GET' && !(atk.refused ?? [404]).includes(403)))) continue;
      const r = await send(p, atk, a);
      expect({ route, url: atk.url, status: r.status }).toEqual({ route, url: atk.url, status: 200 });
      if (atk.controlHas)
        expect({ route, url: atk.url, holdsAData: atk.controlHas(r.body) }).toEqual({
          route,
          url: atk.url,
          holdsAData: true,
        });
    }
    const before = await snapshotTenant(p.db, f.tenantA);
    const failures: string[] = [];
    for (const { route, a: atk } of attacks) {
      const r = await send(p, atk, bearer(b.token));
      const refused = (atk.refused ?? [404]).includes(r.status);
      const empty = r.status === 200 && !!atk.emptyOk?.(r.body);
      const leak = leaked(r.text, atk);
      if ((!refused && !empty) || leak)
        failures.push(
          `${route}: ${atk.method} ${atk.url} → ${r.status} ${r.text.slice(0, 200)}${leak ? ' (contains A data)' : ''}`,
        );
      else
        report.checked(
          `${atk.method} ${atk.url.replace(/[0-9a-f-]{36}/g, '<A id>')} → ${r.status}${empty ? ' (empty)' : ''}${atk.note ? ` — ${atk.note}` : ''}`,
        );
    }
    expect(failures).toEqual([]);
    const after = await snapshotTenant(p.db, f.tenantA);
    expect(after.rows).toEqual(before.rows);
    report.checked(
      `tenant A's ${before.count} database rows (${before.tables.join(', ')}) identical before and after ${attacks.length} attacks`,
    );
    // and A still works with its data
    expect((await p.http().get(`/api/device/${f.deviceA}`).set(a)).body.name).toBe(`${MARK}-device`);
  });

  it('answers 404 with the same sentence for an id of another tenant as for an id that does not exist', async () => {
    const ghost = '7f1b1c0e-0000-4000-8000-000000000000';
    const other = await p.http().get(`/api/device/${f.deviceA}`).set(bearer(b.token));
    const none = await p.http().get(`/api/device/${ghost}`).set(bearer(b.token));
    expect(other.status).toBe(none.status);
    expect(other.body.message.replace(f.deviceA, 'X')).toBe(none.body.message.replace(ghost, 'X'));
    report.checked(
      `GET /api/device/<A id> and /api/device/<unknown id> answer alike: "${none.body.message}" (existence not revealed)`,
    );
  });
});

/** A's markers in the answer that B did not send itself (an echoed query value is no leak). */
function leaked(text: string, atk: Attack): boolean {
  const sent = decodeURIComponent(atk.url) + JSON.stringify(atk.body ?? null);
  return (text.match(new RegExp(`${MARK}[\\w-]*`, 'g')) ?? []).some((m) => !sent.includes(m));
}

async function send(p: TestPlatform, atk: Attack, auth: Record<string, string>) {
  const m = atk.method.toLowerCase() as 'get' | 'post' | 'delete' | 'put' | 'patch';
  const req = p.http()[m](atk.url).set(auth);
  return atk.body === undefined ? req : req.send(atk.body as object);
}

/** Tenant A's entities through its own API (each kind only when its module is registered). */
async function createFixture(p: TestPlatform, tokenB: string, has: (k: string) => boolean): Promise<Fixture> {
  const a = bearer(p.tenantToken);
  const ok = async <T>(r: Promise<{ status: number; body: T; text: string }>, what: string): Promise<T> => {
    const res = await r;
    if (res.status !== 200) throw new Error(`fixture: ${what} failed: ${res.status} ${res.text}`);
    return res.body;
  };
  const me = await ok(p.http().get('/api/auth/user').set(a), 'current user');
  const f: Partial<Fixture> = {
    tenantA: (me as { tenantId: { id: string } }).tenantId.id,
    userA: (me as { id: { id: string } }).id.id,
  };
  const none = '00000000-0000-4000-8000-00000000000a';
  const dev = await ok(
    p
      .http()
      .post('/api/device')
      .set(a)
      .send({ name: `${MARK}-device`, type: `${MARK}-type`, label: MARK }),
    'device',
  );
  f.deviceA = (dev as { id: { id: string } }).id.id;
  f.deviceProfileA = (dev as { deviceProfileId?: { id: string } }).deviceProfileId?.id ?? none;
  if (has('POST /api/plugins/telemetry/:entityType/:id/timeseries/:scope')) {
    await ok(
      p
        .http()
        .post(`/api/plugins/telemetry/DEVICE/${f.deviceA}/timeseries/ANY`)
        .set(a)
        .send({ [`${MARK}-key`]: `${MARK}-value` }),
      'telemetry',
    );
    await ok(
      p
        .http()
        .post(`/api/plugins/telemetry/DEVICE/${f.deviceA}/attributes/SERVER_SCOPE`)
        .set(a)
        .send({ [`${MARK}-attr`]: MARK }),
      'attributes',
    );
  }
  f.dashboardA = has('POST /api/dashboard')
    ? (
        (await ok(
          p
            .http()
            .post('/api/dashboard')
            .set(a)
            .send({ title: `${MARK}-dashboard` }),
          'dashboard',
        )) as { id: { id: string } }
      ).id.id
    : none;
  const converter = (token: string, name: string, type: 'UPLINK' | 'DOWNLINK') =>
    ok(
      p
        .http()
        .post('/api/converter')
        .set(bearer(token))
        .send({
          name,
          type,
          debugMode: true,
          configuration:
            type === 'UPLINK'
              ? { scriptLang: 'JS', decoder: `// ${name}\nreturn {deviceName: 'x', deviceType: 'y'};` }
              : {
                  scriptLang: 'JS',
                  encoder: `// ${name}\nreturn {contentType: 'JSON', data: '{}', metadata: {}};`,
                },
        }),
      `converter ${name}`,
    ).then((c) => (c as { id: { id: string } }).id.id);
  const withConverters = has('POST /api/converter');
  f.converterA = withConverters ? await converter(p.tenantToken, `${MARK}-uplink`, 'UPLINK') : none;
  f.downlinkConverterA = withConverters
    ? await converter(p.tenantToken, `${MARK}-downlink`, 'DOWNLINK')
    : none;
  f.converterB = withConverters ? await converter(tokenB, 'B-uplink', 'UPLINK') : none;
  // a finished replay job of A's converter, as the replay service writes it (issue 19)
  f.replayJobA = '00000000-0000-4000-8000-00000000000b';
  if (has('GET /api/converter/:id/replay/:jobId'))
    await p.db.query(
      `INSERT INTO replay_job (id, tenant_id, converter_id, status, dry_run, request, total, processed, created_time, finished_time, result)
       VALUES (gen_random_uuid(), $1, $2, 'DONE', true, '{}', 0, 0, $3, $3, '{"messages":0,"changed":0,"unchanged":0,"failed":0,"samples":[]}') RETURNING id`,
      [f.tenantA, f.converterA, Date.now()],
    ).then((r) => (f.replayJobA = (r[0] as { id: string }).id));
  // a debug event of A's converter, as the runtime writes it, so clearing and reading events has something to protect
  await p.db.query(
    `INSERT INTO debug_event (id, tenant_id, entity_type, entity_id, ts, type, body) VALUES (gen_random_uuid(), $1, 'CONVERTER', $2, $3, 'DEBUG_CONVERTER', $4)`,
    [f.tenantA, f.converterA, Date.now(), JSON.stringify({ in: `${MARK}-payload`, out: '{}' })],
  );
  f.integrationA =
    has('POST /api/integration') && withConverters
      ? (
          (await ok(
            p
              .http()
              .post('/api/integration')
              .set(a)
              .send(
                integrationBody(f as Fixture, `${MARK}-integration`, {
                  downlinkConverterId: { entityType: 'CONVERTER', id: f.downlinkConverterA },
                  routingKey: `${MARK}-routing-key`,
                }),
              ),
            'integration',
          )) as { id: { id: string } }
        ).id.id
      : none;
  f.rpcA = none;
  if (has('POST /api/plugins/rpc/oneway/:deviceId')) {
    const rpc = await ok(
      p
        .http()
        .post(`/api/plugins/rpc/oneway/${f.deviceA}`)
        .set(a)
        .send({ method: `${MARK}-method`, params: MARK, persistent: true, timeout: 600_000 }),
      'persistent rpc',
    );
    f.rpcA = (rpc as { rpcId: string }).rpcId;
  }
  if (has('GET /api/ruleChains')) {
    await ok(
      p
        .http()
        .post('/api/ruleChain')
        .set(a)
        .send({ name: `${MARK}-chain` }),
      'rule chain',
    );
    const root = async (token: string) => {
      const list = (await ok(
        p.http().get('/api/ruleChains?pageSize=10&page=0').set(bearer(token)),
        'rule chains',
      )) as {
        data: { id: { id: string }; root: boolean }[];
      };
      return list.data.find((c) => c.root)?.id.id ?? list.data[0]!.id.id;
    };
    f.ruleChainA = await root(p.tenantToken);
    f.ruleChainB = await root(tokenB);
    const meta = (await ok(
      p.http().get(`/api/ruleChain/${f.ruleChainA}/metadata`).set(a),
      'rule chain metadata',
    )) as {
      nodes: { id: { id: string } }[];
    };
    f.ruleNodeA = meta.nodes[0]!.id.id;
  } else f.ruleChainA = f.ruleChainB = f.ruleNodeA = none;
  return f as Fixture;
}
