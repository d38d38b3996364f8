import type { Converter, ConverterDebugIn, ConverterDebugInReply, ConverterTestCase, ConverterTestResult, ConverterType, PageData } from '@bridgeboard/contracts';
import { api, type Query } from '../../app/api';
import { bytesToBase64 } from './payload';

export type { Converter, ConverterTestCase, ConverterTestResult, ConverterType, ConverterDebugIn };

/** The save body: a converter without its server-made fields (id only when updating). */
export type SaveConverter = Omit<Converter, 'id' | 'createdTime' | 'tenantId' | 'debugModeSince' | 'debugModeUntil' | 'additionalInfo' | 'testCases' | 'debugModePinned' | 'version'> & {
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
  /** every save is a version; `comment` (optional, ≤ 255 characters) is kept with it */
  save: (c: SaveConverter | Converter, comment?: string) => api.post<Converter>('/api/converter', c, comment?.trim() ? { versionComment: comment.trim() } : undefined),
  delete: (id: string) => api.delete(`/api/converter/${id}`),
  testUplink: (body: UplinkTestRequest) => api.post<TestResponse>('/api/converter/testUpLink', body, { scriptLang: 'JS' }),
  testDownlink: (body: DownlinkTestRequest) => api.post<TestResponse>('/api/converter/testDownLink', body, { scriptLang: 'JS' }),
  /** the input of the latest debug event (ThingsBoard's debugIn), in the form the test panel fills in */
  debugIn: async (id: string): Promise<ConverterDebugIn | null> => {
    const r = await api.get<ConverterDebugInReply | null>(`/api/converter/${id}/debugIn`);
    return r ? fromDebugInReply(r) : null;
  },
};

const jsonMap = (text: string | undefined): Record<string, string> => {
  try {
    const v: unknown = JSON.parse(text ?? '{}');
    return v && typeof v === 'object' ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
};

/** ThingsBoard's {inContent, inContentType, inMetadata, …} → what the test panel uses. */
export function fromDebugInReply(r: ConverterDebugInReply): ConverterDebugIn {
  const metadata = jsonMap(r.inMetadata);
  if (r.inMsgType === undefined) {
    const payload = r.inContentType === 'BINARY' ? r.inContent : bytesToBase64(new TextEncoder().encode(r.inContent));
    return { type: 'UPLINK', ts: r.ts, payload, metadata };
  }
  return { type: 'DOWNLINK', ts: r.ts, msg: r.inContent, metadata, msgType: r.inMsgType, integrationMetadata: jsonMap(r.inIntegrationMetadata) };
}

export const consoleText = (l: ConsoleLine): string =>
  typeof l === 'string' ? l : [l.level ? `[${l.level}]` : '', l.message ?? l.text ?? (l.args ?? []).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')].filter(Boolean).join(' ');
