import type pg from 'pg';
import { DataSource } from 'typeorm';
import { migrations } from './migrations/index.js';

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/**
 * The one door to Postgres. TypeORM owns the connection pool and the migrations;
 * repositories write SQL through `query`/`tx` (hot paths batch many rows per statement).
 */
export class Db implements Queryable {
  constructor(readonly dataSource: DataSource) {}

  get pool(): pg.Pool {
    return (this.dataSource.driver as unknown as { master: pg.Pool }).master;
  }

  async query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    const r = await this.pool.query(sql, params as unknown[]);
    return r.rows as T[];
  }

  /** Runs `fn` in one transaction; rolls back when it throws. */
  async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const q: Queryable = {
        query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params as unknown[])).rows as R[],
      };
      const result = await fn(q);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  /**
   * Runs `fn` while holding a Postgres advisory lock named `name` (on a connection of its own): nodes
   * sharing the database take turns (first start). A job that must run once per cluster and not wait
   * uses runOncePerCluster (cluster-lock.ts).
   */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return exclusive(this.pool, name, fn);
  }

  async ping(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

export async function openDatabase(url: string, poolSize = 20): Promise<Db> {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations,
    migrationsTableName: 'migrations',
    entities: [],
    logging: false,
    extra: { max: poolSize, connectionTimeoutMillis: 10000 },
  });
  await dataSource.initialize();
  // A pool error (e.g. the server restarted) must not crash the process.
  (dataSource.driver as unknown as { master: pg.Pool }).master.on('error', () => undefined);
  // nodes of a cluster may start together on a fresh database: one migrates, the others wait
  await exclusive((dataSource.driver as unknown as { master: pg.Pool }).master, 'migrations', () =>
    dataSource.runMigrations({ transaction: 'each' }),
  );
  return new Db(dataSource);
}

async function exclusive<T>(pool: pg.Pool, name: string, fn: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1)::bigint)', [`bridgeboard:${name}`]);
    try {
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1)::bigint)', [`bridgeboard:${name}`]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}
