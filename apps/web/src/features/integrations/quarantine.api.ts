/** An integration's quarantine: uplinks that failed to decode, kept with their error (see I19-API.md). */
import { MAX_PAGE_SIZE, type PageData, type QuarantinedMessage, type ReprocessResult } from '@bridgeboard/contracts';
import { api, type Query } from '../../app/api';
import { integrationsApi, type Integration } from './integrations.api';

export type { QuarantinedMessage, ReprocessResult };

const base = (id: string) => `/api/integration/${id}/quarantine`;

export const quarantineApi = {
  page: (integrationId: string, q: Query, signal?: AbortSignal) => api.get<PageData<QuarantinedMessage>>(base(integrationId), q, signal),
  /** no ids: all of them */
  reprocess: (integrationId: string, ids?: string[]) => api.post<ReprocessResult>(`${base(integrationId)}/reprocess`, ids ? { ids } : {}),
  /** no ids: all of them */
  delete: (integrationId: string, ids?: string[]) => api.delete<{ deleted: number }>(base(integrationId), ids ? { ids: ids.join(',') } : undefined),
};

/** The integrations whose uplink converter is `converterId` (a tenant has tens of integrations, not thousands). */
export async function integrationsUsing(converterId: string, signal?: AbortSignal): Promise<Integration[]> {
  const p = await integrationsApi.page({ pageSize: MAX_PAGE_SIZE, page: 0, sortProperty: 'name', sortOrder: 'ASC' }, signal);
  return p.data.filter((i) => i.defaultConverterId?.id === converterId);
}
