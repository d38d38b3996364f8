import type { ExportDocument, ImportResult } from '@bridgeboard/contracts';
import { api } from '../../app/api';

export type ExportKind = 'converter' | 'integration' | 'ruleChain' | 'dashboard';

export const transferApi = {
  export: (kind: ExportKind, id: string) => api.get<ExportDocument>(`/api/${kind}/${id}/export`),
  import: (doc: unknown) => api.post<ImportResult>('/api/import', doc),
  /** 409 with a sentence when the tenant already has an integration on the example's broker and topics, unless `duplicate` */
  loadExample: (name: string, duplicate = false) =>
    api.post<ImportResult>(`/api/import/example/${name}${duplicate ? '?duplicate=true' : ''}`),
};

/** "Imported converter MQTT Uplink, integration MQTT Integration." plus what the user still has to do. */
export function describeImport(r: ImportResult): string {
  const what = r.created.map((e) => `${e.entityType.toLowerCase().replace('_', ' ')} ${e.name}`).join(', ');
  return [`Imported ${what || 'nothing'}.`, ...r.warnings].join(' ');
}
