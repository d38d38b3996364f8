import { bearer, createTenantWithAdmin, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';

describe('devices over REST', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => {
    await p.stop();
  });

  it('creates, reads by id and name, updates and deletes a device', async () => {
    const auth = bearer(p.tenantToken);
    const c = await p.http().post('/api/device').set(auth).send({ name: 'SN-001', type: 'sensor', label: 'Lab' });
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ id: { entityType: 'DEVICE' }, name: 'SN-001', type: 'sensor', label: 'Lab', tenantId: { entityType: 'TENANT' } });
    const id = c.body.id.id;
    expect((await p.http().get(`/api/device/${id}`).set(auth)).body.name).toBe('SN-001');
    expect((await p.http().get('/api/tenant/devices?deviceName=SN-001').set(auth)).body.id.id).toBe(id);
    expect((await p.http().get('/api/tenant/devices?deviceName=nope').set(auth)).status).toBe(404);
    const u = await p.http().post('/api/device').set(auth).send({ id: c.body.id, name: 'SN-001', type: 'thermo' });
    expect(u.body.type).toBe('thermo');
    const dup = await p.http().post('/api/device').set(auth).send({ name: 'SN-001', type: 'x' });
    expect(dup.status).toBe(400);
    expect(dup.body.message).toMatch(/already exists/);
    expect((await p.http().delete(`/api/device/${id}`).set(auth)).status).toBe(200);
    const gone = await p.http().get(`/api/device/${id}`).set(auth);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ status: 404, errorCode: 32, message: expect.stringContaining('not found') });
    expect(typeof gone.body.timestamp).toBe('number');
  });

  it('pages, searches and sorts devices', async () => {
    const auth = bearer(p.tenantToken);
    for (let i = 0; i < 25; i++) await p.http().post('/api/device').set(auth).send({ name: `P-${String(i).padStart(2, '0')}`, type: i % 2 ? 'odd' : 'even' });
    const page1 = await p.http().get('/api/tenant/devices?pageSize=10&page=0&textSearch=P-&sortProperty=name&sortOrder=ASC').set(auth);
    expect(page1.body).toMatchObject({ totalElements: 25, totalPages: 3, hasNext: true });
    expect(page1.body.data.map((d: { name: string }) => d.name).slice(0, 3)).toEqual(['P-00', 'P-01', 'P-02']);
    const last = await p.http().get('/api/tenant/devices?pageSize=10&page=2&textSearch=P-&sortProperty=name&sortOrder=ASC').set(auth);
    expect(last.body.data).toHaveLength(5);
    expect(last.body.hasNext).toBe(false);
    const odd = await p.http().get('/api/tenant/devices?pageSize=100&page=0&type=odd').set(auth);
    expect(odd.body.totalElements).toBe(12);
    const bad = await p.http().get('/api/tenant/devices?pageSize=0&page=0').set(auth);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/pageSize/);
  });

  it('keeps tenants apart: another tenant admin gets 404 for our device', async () => {
    const mine = await p.http().post('/api/device').set(bearer(p.tenantToken)).send({ name: 'Private-1', type: 'x' });
    const other = await createTenantWithAdmin(p, 'Other Corp');
    const o = bearer(other.token);
    expect((await p.http().get(`/api/device/${mine.body.id.id}`).set(o)).status).toBe(404);
    expect((await p.http().delete(`/api/device/${mine.body.id.id}`).set(o)).status).toBe(404);
    const upd = await p.http().post('/api/device').set(o).send({ id: mine.body.id, name: 'Stolen', type: 'x' });
    expect(upd.status).toBe(404);
    expect((await p.http().get('/api/tenant/devices?deviceName=Private-1').set(o)).status).toBe(404);
    const list = await p.http().get('/api/tenant/devices?pageSize=100&page=0').set(o);
    expect(list.body.totalElements).toBe(0);
    expect((await p.http().get(`/api/device/${mine.body.id.id}`).set(bearer(p.tenantToken))).body.name).toBe('Private-1');
    // the same name may exist in two tenants
    expect((await p.http().post('/api/device').set(o).send({ name: 'Private-1', type: 'x' })).status).toBe(200);
  });
});
