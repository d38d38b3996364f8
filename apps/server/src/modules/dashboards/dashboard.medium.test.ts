import {
  bearer,
  createTenantWithAdmin,
  startTestPlatform,
  type TestPlatform,
} from '../../../test/helpers.js';

const DEVICE_ID = '5b2c1e0a-4c1f-4a53-9d1e-0d9b2a7b8c11';
/** The guide's dashboard: alias `Sensor` → SN-001 and a Knob Control 15..45 with 0 digits. */
const guideConfiguration = () => ({
  entityAliases: {
    a1: {
      id: 'a1',
      alias: 'Sensor',
      filter: { type: 'singleEntity', singleEntity: { entityType: 'DEVICE', id: DEVICE_ID } },
    },
  },
  widgets: {
    w1: {
      id: 'w1',
      type: 'knob-control',
      title: 'Knob',
      datasources: [{ type: 'entity', entityAliasId: 'a1', dataKeys: [] }],
      settings: { minValue: 15, maxValue: 45, valueDecimals: 0, setValueMethod: 'setValue' },
    },
  },
  layout: { columns: 24, widgets: { w1: { col: 0, row: 0, sizeX: 6, sizeY: 6 } } },
});

describe('dashboards over REST', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => {
    await p.stop();
  });

  it('creates the guide dashboard, reads it back whole, updates it and deletes it', async () => {
    const auth = bearer(p.tenantToken);
    const c = await p
      .http()
      .post('/api/dashboard')
      .set(auth)
      .send({ title: 'MQTT Dashboard', configuration: guideConfiguration() });
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({
      id: { entityType: 'DASHBOARD' },
      title: 'MQTT Dashboard',
      tenantId: { entityType: 'TENANT' },
    });
    expect(typeof c.body.createdTime).toBe('number');
    const id = c.body.id.id;
    const got = await p.http().get(`/api/dashboard/${id}`).set(auth);
    expect(got.body.configuration.entityAliases.a1.alias).toBe('Sensor');
    expect(got.body.configuration.widgets.w1.settings).toEqual({
      minValue: 15,
      maxValue: 45,
      valueDecimals: 0,
      setValueMethod: 'setValue',
    });
    expect(got.body.configuration.layout.widgets.w1).toEqual({ col: 0, row: 0, sizeX: 6, sizeY: 6 });

    const cfg = guideConfiguration();
    cfg.layout.widgets.w1 = { col: 3, row: 2, sizeX: 8, sizeY: 5 };
    const u = await p
      .http()
      .post('/api/dashboard')
      .set(auth)
      .send({ id: c.body.id, title: 'Renamed', configuration: cfg });
    expect(u.status).toBe(200);
    expect(u.body.title).toBe('Renamed');
    expect(
      (await p.http().get(`/api/dashboard/${id}`).set(auth)).body.configuration.layout.widgets.w1,
    ).toEqual({ col: 3, row: 2, sizeX: 8, sizeY: 5 });

    expect((await p.http().delete(`/api/dashboard/${id}`).set(auth)).status).toBe(200);
    const gone = await p.http().get(`/api/dashboard/${id}`).set(auth);
    expect(gone.status).toBe(404);
    expect(gone.body.message).toBe(`Dashboard with id ${id} not found`);
  });

  it('refuses a dashboard without a title or whose widget names a missing alias, naming the field', async () => {
    const auth = bearer(p.tenantToken);
    const noTitle = await p.http().post('/api/dashboard').set(auth).send({ title: ' ' });
    expect(noTitle.status).toBe(400);
    expect(noTitle.body.message).toMatch(/title/);
    const cfg = guideConfiguration() as { entityAliases: Record<string, unknown> };
    cfg.entityAliases = {};
    const bad = await p.http().post('/api/dashboard').set(auth).send({ title: 'Broken', configuration: cfg });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/widgets\.w1\.datasources\.0\.entityAliasId.*alias that does not exist/);
  });

  it('pages and searches dashboards by title, without their configuration', async () => {
    const auth = bearer(p.tenantToken);
    for (let i = 0; i < 12; i++)
      await p
        .http()
        .post('/api/dashboard')
        .set(auth)
        .send({ title: `Plant ${String(i).padStart(2, '0')}` });
    await p.http().post('/api/dashboard').set(auth).send({ title: 'Office' });
    const first = await p
      .http()
      .get('/api/tenant/dashboards?pageSize=5&page=0&textSearch=plant&sortProperty=title&sortOrder=ASC')
      .set(auth);
    expect(first.body).toMatchObject({ totalElements: 12, totalPages: 3, hasNext: true });
    expect(first.body.data.map((d: { title: string }) => d.title)).toEqual([
      'Plant 00',
      'Plant 01',
      'Plant 02',
      'Plant 03',
      'Plant 04',
    ]);
    expect(first.body.data[0].configuration).toBeUndefined();
    const last = await p
      .http()
      .get('/api/tenant/dashboards?pageSize=5&page=2&textSearch=plant&sortProperty=title&sortOrder=ASC')
      .set(auth);
    expect(last.body.data).toHaveLength(2);
    expect(last.body.hasNext).toBe(false);
  });

  it('keeps tenants apart: another tenant admin gets 404 and sees none of our dashboards', async () => {
    const mine = await p
      .http()
      .post('/api/dashboard')
      .set(bearer(p.tenantToken))
      .send({ title: 'Private board' });
    const other = await createTenantWithAdmin(p, 'Board Rivals');
    const o = bearer(other.token);
    expect((await p.http().get(`/api/dashboard/${mine.body.id.id}`).set(o)).status).toBe(404);
    expect((await p.http().delete(`/api/dashboard/${mine.body.id.id}`).set(o)).status).toBe(404);
    expect(
      (await p.http().post('/api/dashboard').set(o).send({ id: mine.body.id, title: 'Stolen' })).status,
    ).toBe(404);
    expect((await p.http().get('/api/tenant/dashboards?pageSize=100&page=0').set(o)).body.totalElements).toBe(
      0,
    );
    expect(
      (await p.http().get(`/api/dashboard/${mine.body.id.id}`).set(bearer(p.tenantToken))).body.title,
    ).toBe('Private board');
  });
});
