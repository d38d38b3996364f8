import type { Queryable } from '../../database/db.js';

/** A dictionary table: a unique name column and the serial integer id given to each name. */
export interface DictionaryTable {
  table: string;
  name: string;
  id: string;
  /** the name column's SQL type */
  type: 'text' | 'uuid';
}
/** Key names ⇄ `ts_kv.key` (as ThingsBoard's ts_kv_dictionary). */
export const KEY_DICTIONARY: DictionaryTable = { table: 'ts_kv_dictionary', name: 'key', id: 'key_id', type: 'text' };
/** Device (entity) uuids ⇄ `ts_kv.entity_idx`: 4 bytes a point instead of 16, in the row and in the primary key. */
export const ENTITY_DICTIONARY: DictionaryTable = { table: 'ts_kv_entity', name: 'entity_id', id: 'entity_idx', type: 'uuid' };

/**
 * Names (key names, device uuids) ⇄ the small integers `ts_kv` stores. Ids never change once given,
 * so every id seen is cached for the life of the process (up to `cacheMax` names, then the cache
 * starts again): steady traffic costs no round trip. A name new to the cache costs one statement
 * that adds the missing names (sorted, so two nodes adding the same names at once cannot deadlock)
 * and reads their ids. Uuids are looked up in their canonical lower-case text.
 */
export class TsKvDictionary {
  private readonly ids = new Map<string, number>();
  private readonly sql: { add: string; read: string };

  constructor(
    private readonly db: Queryable,
    private readonly t: DictionaryTable = KEY_DICTIONARY,
    private readonly cacheMax = 1_000_000,
  ) {
    const read = `SELECT ${t.name}::text AS name, ${t.id} AS id FROM ${t.table} WHERE ${t.name} = ANY($1::${t.type}[])`;
    this.sql = {
      read,
      add: `WITH ins AS (INSERT INTO ${t.table} (${t.name}) SELECT k FROM unnest($1::${t.type}[]) AS k ORDER BY k
                         ON CONFLICT (${t.name}) DO NOTHING RETURNING ${t.name}::text AS name, ${t.id} AS id)
            SELECT name, id FROM ins UNION ALL ${read}`,
    };
  }

  /** The id of one name, or undefined when it has none (nothing is added). */
  async idOf(name: string): Promise<number | undefined> {
    return (await this.existing([name])).values().next().value;
  }

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
    for (const given of keys) {
      const k = this.t.type === 'uuid' ? given.toLowerCase() : given;
      const id = this.ids.get(k);
      if (id !== undefined) out.set(k, id);
      else if (!out.has(k)) missing.push(k);
    }
    if (!missing.length) return out;
    missing.sort();
    const rows = await this.db.query<{ name: string; id: number }>(add ? this.sql.add : this.sql.read, [missing]);
    if (this.ids.size + rows.length > this.cacheMax) this.ids.clear();
    for (const r of rows) {
      this.ids.set(r.name, r.id);
      out.set(r.name, r.id);
    }
    if (add && missing.some((k) => !out.has(k))) {
      // Added by another transaction that committed after this statement's snapshot: read again.
      for (const r of await this.db.query<{ name: string; id: number }>(this.sql.read, [missing.filter((k) => !out.has(k))])) {
        this.ids.set(r.name, r.id);
        out.set(r.name, r.id);
      }
      const lost = missing.filter((k) => !out.has(k));
      if (lost.length) throw new Error(`Could not be added to the time-series dictionary ${this.t.table}: ${lost.slice(0, 5).join(', ')}`);
    }
    return out;
  }
}
