import type { Converter, ConverterDebugIn, ConverterTestCase, ConverterTestResult, ConverterType, PageData } from '@bridgeboard/contracts';
import { api, type Query } from '../../app/api';

export type { Converter, ConverterTestCase, ConverterTestResult, ConverterType, ConverterDebugIn };

/** The save body: a converter without its server-made fields (id only when updating). */
export type SaveConverter = Omit<Converter, 'id' | 'createdTime' | 'tenantId' | 'debugModeSince' | 'debugModeUntil' | 'additionalInfo' | 'testCases' | 'debugModePinned'> & {
  id?: Converter['id'];
  debugModePinned?: boolean;
  debugModeUntil?: number | null;
  testCases?: ConverterTestCase[];
  testResults?: ConverterTestResult[];
  additionalInfo?: Record<string, unknown> | null;
};

export type ConsoleLine = string | { level?: string; message?: string; text?: string; args?: unknown[] };
/** ConverterTestReply, plus the error's line when a server sends it separately. */
export interface TestResponse {
  output: string;
  error: string;
  consoleLines?: ConsoleLine[];
  errorLine?: number;
}

export interface UplinkTestRequest {
  payload: string;
  metadata: Record<string, string>;
  decoder: string;
}
export interface DownlinkTestRequest {
  msg: string;
  metadata: Record<string, string>;
  msgType: string;
  integrationMetadata: Record<string, string>;
  encoder: string;
}

export const convertersApi = {
  page: (q: Query, signal?: AbortSignal) => api.get<PageData<Converter>>('/api/converters', q, signal),
  get: (id: string, signal?: AbortSignal) => api.get<Converter>(`/api/converter/${id}`, undefined, signal),
  save: (c: SaveConverter | Converter) => api.post<Converter>('/api/converter', c),
  delete: (id: string) => api.delete(`/api/converter/${id}`),
  testUplink: (body: UplinkTestRequest) => api.post<TestResponse>('/api/converter/testUpLink', body, { scriptLang: 'JS' }),
  testDownlink: (body: DownlinkTestRequest) => api.post<TestResponse>('/api/converter/testDownLink', body, { scriptLang: 'JS' }),
  /** the input of the latest debug event (ThingsBoard's debugIn) */
  debugIn: (id: string) => api.get<ConverterDebugIn | null>(`/api/converter/${id}/debugIn`),
};

export const consoleText = (l: ConsoleLine): string =>
  typeof l === 'string' ? l : [l.level ? `[${l.level}]` : '', l.message ?? l.text ?? (l.args ?? []).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')].filter(Boolean).join(' ');
