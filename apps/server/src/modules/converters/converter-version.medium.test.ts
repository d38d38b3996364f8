import { bearer, createTenantWithAdmin, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';

const decoder = (key: string) => `var d = JSON.parse(String.fromCharCode.apply(String, payload));
return { deviceName: d.n, deviceType: 'sensor', telemetry: { ${key}: d.v } };`;

describe('converter versions over REST', () => {
  let p: TestPlatform;
  let auth: Record<string, string>;

  beforeAll(async () => {
    p = await startTestPlatform();
    auth = bearer(p.tenantToken);
  });
  afterAll(async () => {
    await p.stop();
  });

  const save = (body: Record<string, unknown>, comment?: string) =>
    p
      .http()
      .post(`/api/converter${comment === undefined ? '' : `?versionComment=${encodeURIComponent(comment)}`}`)
      .set(auth)
      .send(body);

  it('keeps every save as a version (the first too), newest first, with user and comment; a restore is a new version', async () => {
    const first = await save({ name: 'Versioned', type: 'UPLINK', configuration: { scriptLang: 'JS', decoder: decoder('temp') } }, 'first draft');
    expect(first.status).toBe(200);
    const id = first.body.id.id as string;
    const second = await save({ ...first.body, configuration: { scriptLang: 'JS', decoder: decoder('temperature') } }, 'fix the key');
    expect(second.status).toBe(200);
    expect(second.body.version).toBe(2);

    const page = await p.http().get(`/api/converter/${id}/versions?pageSize=10&page=0`).set(auth);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ totalElements: 2, totalPages: 1, hasNext: false });
    expect(page.body.data.map((v: { version: number; comment: string }) => [v.version, v.comment])).toEqual([
      [2, 'fix the key'],
      [1, 'first draft'],
    ]);
    expect(page.body.data[0].createdBy.email).toBe(p.config.TENANT_EMAIL);
    expect(page.body.data[1].configuration.decoder).toBe(decoder('temp'));

    const v1 = await p.http().get(`/api/converter/${id}/versions/1`).set(auth);
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({ version: 1, name: 'Versioned', configuration: { decoder: decoder('temp') } });

    const restored = await p.http().post(`/api/converter/${id}/versions/1/restore`).set(auth);
    expect(restored.status).toBe(200);
    expect(restored.body.version).toBe(3);
    expect(restored.body.configuration).toEqual(v1.body.configuration);
    const v3 = await p.http().get(`/api/converter/${id}/versions/3`).set(auth);
    expect(v3.body).toMatchObject({ comment: 'Restored version 1', configuration: v1.body.configuration });
    const now = await p.http().get(`/api/converter/${id}`).set(auth);
    expect(now.body.configuration).toEqual(v1.body.configuration);
  });

  it('answers 404 for a missing version, 400 for a bad number or a long comment, 404 for another tenant', async () => {
    const c = await save({ name: 'Other', type: 'UPLINK', configuration: { scriptLang: 'JS', decoder: decoder('t') } });
    const id = c.body.id.id as string;
    const missing = await p.http().get(`/api/converter/${id}/versions/9`).set(auth);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain('has no version 9');
    expect((await p.http().get(`/api/converter/${id}/versions/abc`).set(auth)).status).toBe(400);
    const long = await save({ ...c.body }, 'x'.repeat(256));
    expect(long.status).toBe(400);
    expect(JSON.stringify(long.body)).toContain('versionComment');
    const b = await createTenantWithAdmin(p, 'Versions B');
    for (const r of [
      p.http().get(`/api/converter/${id}/versions?pageSize=10&page=0`),
      p.http().get(`/api/converter/${id}/versions/1`),
      p.http().post(`/api/converter/${id}/versions/1/restore`),
    ])
      expect((await r.set(bearer(b.token))).status).toBe(404);
  });
});
