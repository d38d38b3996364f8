import type { Queryable } from '../../database/db.js';

/**
 * Key names ⇄ the small integers `ts_kv` stores (`ts_kv_dictionary`, as ThingsBoard's). Ids never
 * change once given, so every id seen is cached for the life of the process: steady traffic costs
 * no round trip. A key new to the cache costs one statement that adds the missing names (sorted,
 * so two nodes adding the same names at once cannot deadlock) and reads their ids.
 */
export class TsKvDictionary {
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly db: Queryable,
    private readonly cacheMax = 1_000_000,
  ) {}

  /** Ids of `keys`, adding the names not yet in the dictionary. */
  async idsOf(keys: Iterable<string>): Promise<Map<string, number>> {
    return this.resolve(keys, true);
  }

  /** Ids of the `keys` that exist (a read of an unknown key finds no points; nothing is added). */
  async existing(keys: Iterable<string>): Promise<Map<string, number>> {
    return this.resolve(keys, false);
  }

  private async resolve(keys: Iterable<string>, add: boolean): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const missing: string[] = [];
    for (const k of keys) {
      const id = this.ids.get(k);
      if (id !== undefined) out.set(k, id);
      else if (!out.has(k)) missing.push(k);
    }
    if (!missing.length) return out;
    missing.sort();
    const rows = add
      ? await this.db.query<{ key: string; key_id: number }>(
          `WITH ins AS (INSERT INTO ts_kv_dictionary (key) SELECT k FROM unnest($1::text[]) AS k ORDER BY k
                        ON CONFLICT (key) DO NOTHING RETURNING key, key_id)
           SELECT key, key_id FROM ins UNION ALL SELECT key, key_id FROM ts_kv_dictionary WHERE key = ANY($1::text[])`,
          [missing],
        )
      : await this.db.query<{ key: string; key_id: number }>('SELECT key, key_id FROM ts_kv_dictionary WHERE key = ANY($1::text[])', [missing]);
    if (this.ids.size + rows.length > this.cacheMax) this.ids.clear();
    for (const r of rows) {
      this.ids.set(r.key, r.key_id);
      out.set(r.key, r.key_id);
    }
    if (add && missing.some((k) => !out.has(k))) {
      // Added by another transaction that committed after this statement's snapshot: read again.
      for (const r of await this.db.query<{ key: string; key_id: number }>(
        'SELECT key, key_id FROM ts_kv_dictionary WHERE key = ANY($1::text[])',
        [missing.filter((k) => !out.has(k))],
      )) {
        this.ids.set(r.key, r.key_id);
        out.set(r.key, r.key_id);
      }
      const lost = missing.filter((k) => !out.has(k));
      if (lost.length) throw new Error(`Telemetry keys could not be added to the key dictionary: ${lost.slice(0, 5).join(', ')}`);
    }
    return out;
  }
}
