import {
  ruleNodeTypeInfo,
  type ComponentDescriptor,
  type RuleNodeTypeInfo,
  type PageData,
  type RuleChain,
  type RuleChainMetaData,
  type SaveRuleChainMetaDataRequest,
} from '@bridgeboard/contracts';
import { api, type Query } from '../../app/api';

export const ruleChainsApi = {
  page: (q: Query, signal?: AbortSignal) => api.get<PageData<RuleChain>>('/api/ruleChains', q, signal),
  get: (id: string, signal?: AbortSignal) => api.get<RuleChain>(`/api/ruleChain/${id}`, undefined, signal),
  create: (name: string) => api.post<RuleChain>('/api/ruleChain', { name, type: 'CORE' }),
  delete: (id: string) => api.delete(`/api/ruleChain/${id}`),
  metadata: (id: string, signal?: AbortSignal) =>
    api.get<RuleChainMetaData>(`/api/ruleChain/${id}/metadata`, undefined, signal),
  saveMetadata: (m: SaveRuleChainMetaDataRequest) =>
    api.post<RuleChainMetaData>('/api/ruleChain/metadata', m),
  /** ThingsBoard's ComponentDescriptors, in the form the editor uses */
  components: async (signal?: AbortSignal): Promise<RuleNodeTypeInfo[]> =>
    (await api.get<ComponentDescriptor[]>('/api/components', undefined, signal)).map(ruleNodeTypeInfo),
  /** ThingsBoard's script test: runs a node script on a sample message in the sandbox. */
  testScript: (body: {
    script: string;
    scriptType: 'filter' | 'update' | 'string' | 'json';
    argNames: string[];
    msg: string;
    metadata: Record<string, string>;
    msgType: string;
  }) => api.post<{ output: string; error: string }>('/api/ruleChain/testScript', body),
};

/** "integration downlink" → "Integration Downlink", as ThingsBoard shows node names in its palette. */
export const titleCase = (s: string) => s.replace(/\b\w/g, (c) => c.toUpperCase());
