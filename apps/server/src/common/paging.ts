import { type PageData, type PageQuery, pageQuerySchema } from '@bridgeboard/contracts';

export function parsePageQuery(q: Record<string, unknown>): PageQuery {
  return pageQuerySchema.parse(q);
}

/**
 * The sortable properties of a list, property → column. A Map, not an object: a lookup of
 * `constructor`, `toString` or `__proto__` on an object finds Object.prototype's members.
 */
export type SortColumns = ReadonlyMap<string, string>;
export const sortColumns = (columns: Record<string, string>): SortColumns => new Map(Object.entries(columns));

/** Safe ORDER BY: only listed property → column pairs; any other sortProperty falls back to the default order. */
export function orderBy(q: PageQuery, columns: SortColumns, fallback: string): string {
  const col = (q.sortProperty !== undefined && columns.get(q.sortProperty)) || fallback;
  const dir = q.sortOrder === 'ASC' ? 'ASC' : 'DESC';
  return `ORDER BY ${col} ${dir}, id ${dir}`;
}

export function toPage<T>(rows: T[], total: number, q: PageQuery): PageData<T> {
  const totalPages = Math.ceil(total / q.pageSize);
  return { data: rows, totalPages, totalElements: total, hasNext: (q.page + 1) * q.pageSize < total };
}

/** textSearch matches names starting with or containing the text, case-insensitively. */
export function likePattern(text: string | undefined): string | null {
  if (!text) return null;
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
