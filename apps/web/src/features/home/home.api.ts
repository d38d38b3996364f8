import type { HomeSummary, Integration, PageData, TenantUsage } from '@bridgeboard/contracts';
import { api } from '../../app/api';

export const homeApi = {
  summary: (signal?: AbortSignal) => api.get<HomeSummary>('/api/home', undefined, signal),
  integrations: (signal?: AbortSignal) =>
    api.get<PageData<Integration>>(
      '/api/integrations',
      { pageSize: 100, page: 0, sortProperty: 'name', sortOrder: 'ASC' },
      signal,
    ),
  usage: (signal?: AbortSignal) => api.get<TenantUsage[]>('/api/admin/usage', undefined, signal),
};

/** Messages per second in words: "12.3/s", "4/min" when slow, "—" when nothing came. */
export function formatRate(perSecond: number | undefined): string {
  if (!perSecond) return '—';
  if (perSecond >= 1) return `${perSecond.toFixed(perSecond >= 100 ? 0 : 1)}/s`;
  return `${(perSecond * 60).toFixed(perSecond * 60 >= 10 ? 0 : 1)}/min`;
}
