/** Issue 19's converter lifecycle over REST (see the contract in I19-API.md): versions, replay, test on the archive. */
import type {
  Converter,
  ConverterVersion,
  PageData,
  ReplayApplyResult,
  ReplayDryRunResult,
  ReplayJob,
  ReplayRequest as ReplayBody,
  TestOnArchiveResult,
  UplinkOutput,
} from '@bridgeboard/contracts';
import { api, type Query } from '../../app/api';

export type { ConverterVersion, ReplayJob, UplinkOutput };
export type ReplayDryRun = ReplayDryRunResult;
export type ReplayApplied = ReplayApplyResult;
export type ArchiveTestResult = TestOnArchiveResult;
/** the window and filters; dryRun and async are set by the call */
export type ReplayRequest = Omit<ReplayBody, 'dryRun' | 'async'>;

const base = (id: string) => `/api/converter/${id}`;

export const lifecycleApi = {
  versions: (id: string, q: Query, signal?: AbortSignal) => api.get<PageData<ConverterVersion>>(`${base(id)}/versions`, q, signal),
  version: (id: string, version: number, signal?: AbortSignal) => api.get<ConverterVersion>(`${base(id)}/versions/${version}`, undefined, signal),
  /** answers the converter as saved; the restore is itself a new version */
  restore: (id: string, version: number) => api.post<Converter>(`${base(id)}/versions/${version}/restore`),
  dryRun: (id: string, r: ReplayRequest) => api.post<ReplayDryRun>(`${base(id)}/replay`, { ...r, dryRun: true }),
  /** starts the replay as a job (202 {jobId}); follow it with `job` */
  applyAsync: (id: string, r: ReplayRequest) => api.post<{ jobId: string }>(`${base(id)}/replay`, { ...r, dryRun: false, async: true }),
  job: (id: string, jobId: string, signal?: AbortSignal) => api.get<ReplayJob>(`${base(id)}/replay/${jobId}`, undefined, signal),
  cancel: (id: string, jobId: string) => api.delete(`${base(id)}/replay/${jobId}`),
  testOnArchive: (id: string, configuration: Converter['configuration'], limit: number) =>
    api.post<ArchiveTestResult>(`${base(id)}/testOnArchive`, { configuration, limit }),
};

/** The script a version (or converter) configuration holds: the decoder of an uplink, the encoder of a downlink. */
export const scriptOf = (configuration: Converter['configuration'] | undefined): string => configuration?.decoder ?? configuration?.encoder ?? '';

/**
 * How many lines the change from `a` to `b` removes and adds (a longest-common-subsequence over lines;
 * scripts are a few hundred lines at most). The diff editor shows where; this says how much, in words.
 */
export function lineChanges(a: string, b: string): { added: number; removed: number } {
  const x = a.split('\n');
  const y = b.split('\n');
  const n = x.length;
  const m = y.length;
  const row = new Array<number>(m + 1).fill(0);
  const lcs: number[][] = [];
  for (let i = 0; i <= n; i++) lcs.push(i === 0 ? row.slice() : new Array<number>(m + 1).fill(0));
  for (let i = 1; i <= n; i++) for (let j = 1; j <= m; j++) lcs[i]![j] = x[i - 1] === y[j - 1] ? lcs[i - 1]![j - 1]! + 1 : Math.max(lcs[i - 1]![j]!, lcs[i]![j - 1]!);
  const common = lcs[n]![m]!;
  return { added: m - common, removed: n - common };
}
