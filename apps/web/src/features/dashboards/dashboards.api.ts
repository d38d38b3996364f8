import type { Dashboard, DashboardConfiguration, DashboardInfo, PageData } from '@bridgeboard/contracts';
import { api, type Query } from '../../app/api';

export const emptyConfiguration = (): DashboardConfiguration => ({
  entityAliases: {},
  widgets: {},
  layout: { columns: 24, widgets: {} },
});

export const dashboardsApi = {
  page: (q: Query, signal?: AbortSignal) =>
    api.get<PageData<DashboardInfo>>('/api/tenant/dashboards', q, signal),
  get: (id: string, signal?: AbortSignal) => api.get<Dashboard>(`/api/dashboard/${id}`, undefined, signal),
  save: (d: {
    id?: Dashboard['id'];
    title: string;
    configuration: DashboardConfiguration;
    version?: number;
  }) => api.post<Dashboard>('/api/dashboard', d),
  delete: (id: string) => api.delete(`/api/dashboard/${id}`),
};

/** Short random ids for aliases and widgets (keys inside one dashboard document). */
export const localId = (): string =>
  Math.random().toString(36).slice(2, 10) + Date.now().toString(36).slice(-4);
