import type { TenantUsage } from '@bridgeboard/contracts';
import { Db } from '../../database/db.js';
import {
  bearer,
  createTenantWithAdmin,
  startTestPlatform,
  type TestPlatform,
} from '../../../test/helpers.js';
import { rnd } from '../integrations/test-kit.js';
import { ActivityRepository } from './activity.repository.js';

describe("the sysadmin's usage table on a large time series table", () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => {
    await p.stop();
  });

  it('counts data points exactly while the table is small, and estimates them from a sample past the limit', async () => {
    const a = await createTenantWithAdmin(p, `Usage A ${rnd()}`);
    const b = await createTenantWithAdmin(p, `Usage B ${rnd()}`);
    const device = async (token: string) =>
      (
        await p
          .http()
          .post('/api/device')
          .set(bearer(token))
          .send({ name: `U-${rnd()}`, type: 'sensor' })
          .expect(200)
      ).body.id.id as string;
    const [da, db_] = [await device(a.token), await device(b.token)];
    const db = p.app.get(Db);
    // 60,000 points of A and 20,000 of B, interleaved as many devices' uplinks are
    await db.query(
      `WITH e AS (INSERT INTO ts_kv_entity (entity_id) VALUES ($1), ($2) RETURNING entity_id, entity_idx)
       INSERT INTO ts_kv (ts, entity_idx, key, long_v)
       SELECT g, e.entity_idx, 1, g FROM generate_series(1, 80000) g JOIN e ON e.entity_id = CASE WHEN g % 4 = 0 THEN $2::uuid ELSE $1::uuid END`,
      [da, db_],
    );
    await db.query('ANALYZE ts_kv');
    const points = (rows: TenantUsage[]) =>
      [a, b].map((t) => rows.find((r) => r.tenantId === t.tenantId)!.dataPoints);

    expect(points(await new ActivityRepository(db).usage())).toEqual([60_000, 20_000]);
    const [ea, eb] = points(await new ActivityRepository(db, { exactBelow: 10_000, sample: 40_000 }).usage());
    expect(ea).toBeGreaterThan(60_000 * 0.7);
    expect(ea).toBeLessThan(60_000 * 1.3);
    expect(eb).toBeGreaterThan(20_000 * 0.7);
    expect(eb).toBeLessThan(20_000 * 1.3);
  });
});
