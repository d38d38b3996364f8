import type { Integration, IntegrationStatus, PageData, SaveIntegrationRequest } from '@bridgeboard/contracts';
import { api, type Query } from '../../app/api';

export type { Integration, IntegrationStatus };
/** The form's draft: the save body, with secrets optional (left empty = keep the stored one). */
export type IntegrationDraft = SaveIntegrationRequest;

export const integrationsApi = {
  page: (q: Query, signal?: AbortSignal) => api.get<PageData<Integration>>('/api/integrations', q, signal),
  get: (id: string, signal?: AbortSignal) => api.get<Integration>(`/api/integration/${id}`, undefined, signal),
  status: (id: string) => api.get<IntegrationStatus>(`/api/integration/${id}/status`),
  save: (i: IntegrationDraft) => api.post<Integration>('/api/integration', i),
  delete: (id: string) => api.delete(`/api/integration/${id}`),
};

export const GUIDE_TOPIC_FILTER = 'tb/mqtt-integration-tutorial/sensors/+/temperature';

export function emptyIntegration(): IntegrationDraft {
  return {
    name: 'MQTT Integration',
    type: 'MQTT',
    enabled: true,
    debugMode: true,
    defaultConverterId: undefined as unknown as IntegrationDraft['defaultConverterId'],
    downlinkConverterId: null,
    configuration: {
      clientConfiguration: {
        host: 'localhost',
        port: 1883,
        cleanSession: false,
        retainedMessage: false,
        ssl: false,
        connectTimeoutSec: 10,
        clientId: '',
        maxBytesInMessage: 32768,
        credentials: { type: 'anonymous' },
      },
      topicFilters: [{ filter: GUIDE_TOPIC_FILTER, qos: 0 }],
      downlinkTopicPattern: '${topic}',
      metadata: {},
    },
  };
}

/** Checks an MQTT topic filter as the server does: `+` fills a whole level, `#` only as the whole last level. */
export function topicFilterProblem(filter: string): string | null {
  if (!filter.trim()) return 'Enter a topic filter, e.g. sensors/+/temperature';
  if (filter === 'bridgeboard' || filter.startsWith('bridgeboard/')) return "Topics under 'bridgeboard/' are reserved for the platform";
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i]!;
    if (l.includes('#') && (l !== '#' || i !== levels.length - 1)) return `'#' must be a whole level and the last one (level ${i + 1} is '${l}')`;
    if (l.includes('+') && l !== '+') return `'+' must fill a whole level (level ${i + 1} is '${l}')`;
  }
  return null;
}
