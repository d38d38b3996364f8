import { type PageData, type PageQuery, pageQuerySchema } from '@bridgeboard/contracts';

export function parsePageQuery(q: Record<string, unknown>): PageQuery {
  return pageQuerySchema.parse(q);
}

/** Safe ORDER BY: only whitelisted property → column pairs. */
export function orderBy(q: PageQuery, columns: Record<string, string>, fallback: string): string {
  const col = (q.sortProperty && columns[q.sortProperty]) || fallback;
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
