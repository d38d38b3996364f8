import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, LinearProgress, MenuItem, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../app/api';
import { useLoad } from '../../app/hooks';
import { useConfirm } from '../../ui/ConfirmDialog';
import { JsonView } from '../../ui/JsonView';
import { formatTime } from '../../ui/time';
import { integrationsUsing } from '../integrations/quarantine.api';
import { Counts } from './Counts';
import { OutputChanges } from './OutputChanges';
import { lifecycleApi, type ReplayApplied, type ReplayDryRun, type ReplayJob, type ReplayRequest } from './lifecycle.api';

export interface ReplayDialogProps {
  converterId: string;
  converterName: string;
  onClose: () => void;
  /** the editor holds unsaved edits: the replay uses the saved version, not them */
  dirty?: boolean;
  /** how often a running job is asked for its progress */
  pollMs?: number;
}

const HOUR = 3_600_000;
/** a `datetime-local` value (local time, to the minute) */
export const toLocalInput = (ms: number) => {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
const fromLocalInput = (v: string) => (v ? new Date(v).getTime() : NaN);

const done = (j: ReplayJob | null) => !!j && j.status !== 'RUNNING';

/**
 * Runs the archived messages of a time window through the converter's current version: a dry run shows
 * what would change; Apply stores the new results as a job, with progress and Cancel.
 */
export function ReplayDialog({ converterId, converterName, onClose, dirty, pollMs = 1000 }: ReplayDialogProps) {
  const confirm = useConfirm();
  const [start, setStart] = useState(() => toLocalInput(Date.now() - 24 * HOUR));
  // the end of the current minute: the window includes what arrived just now
  const [end, setEnd] = useState(() => toLocalInput(Date.now() + 60_000));
  const [integrationId, setIntegrationId] = useState('');
  const [deviceName, setDeviceName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [dry, setDry] = useState<ReplayDryRun | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [job, setJob] = useState<ReplayJob | null>(null);
  const integrations = useLoad((signal) => integrationsUsing(converterId, signal), [converterId]);

  const running = !!jobId && !done(job);
  useEffect(() => {
    if (!jobId || done(job)) return;
    const ac = new AbortController();
    const t = setTimeout(() => {
      lifecycleApi.job(converterId, jobId, ac.signal).then(setJob, (e: unknown) => {
        if (!ac.signal.aborted) setError(errorMessage(e));
      });
    }, job ? pollMs : 0);
    return () => {
      clearTimeout(t);
      ac.abort();
    };
  }, [jobId, job, converterId, pollMs]);

  const request = (): ReplayRequest | null => {
    const startTs = fromLocalInput(start);
    const endTs = fromLocalInput(end);
    if (!Number.isFinite(startTs) || !Number.isFinite(endTs)) return setError('Enter the start and the end of the window'), null;
    if (startTs >= endTs) return setError('The start must be before the end'), null;
    setError(null);
    return { startTs, endTs, integrationId: integrationId || undefined, deviceName: deviceName.trim() || undefined };
  };

  const dryRun = async () => {
    const r = request();
    if (!r) return;
    setBusy(true);
    setDry(null);
    try {
      setDry(await lifecycleApi.dryRun(converterId, r));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const apply = async () => {
    const r = request();
    if (!r) return;
    const ok = await confirm({
      title: 'Apply the replay?',
      message: `The messages of this window are decoded again by ${converterName}'s current version and stored at their original times, replacing what the first decode stored.`,
      confirmText: 'Apply',
    });
    if (!ok) return;
    setBusy(true);
    try {
      const { jobId: id } = await lifecycleApi.applyAsync(converterId, r);
      setJob(null);
      setJobId(id);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const cancel = async () => {
    if (!jobId) return;
    try {
      await lifecycleApi.cancel(converterId, jobId);
      setJob(await lifecycleApi.job(converterId, jobId));
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const lock = busy || running;
  return (
    <Dialog open onClose={lock ? undefined : onClose} maxWidth="lg" fullWidth aria-labelledby="replay-title">
      <DialogTitle id="replay-title">Replay archived messages through {converterName}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          <Typography variant="body2" color="text.secondary">
            The messages received in the window are decoded again by the converter's current version. A dry run only shows what would change.
          </Typography>
          {dirty && <Alert severity="warning">The editor has unsaved changes: the replay uses the saved version. Save first to replay through your edits.</Alert>}
          <Stack direction="row" spacing={2} sx={{ flexWrap: 'wrap', rowGap: 2 }}>
            <TextField label="Start" type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} disabled={lock} slotProps={{ inputLabel: { shrink: true } }} />
            <TextField label="End" type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} disabled={lock} slotProps={{ inputLabel: { shrink: true } }} />
            <TextField select label="Integration" value={integrationId} onChange={(e) => setIntegrationId(e.target.value)} disabled={lock} sx={{ minWidth: 220 }} slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}>
              <MenuItem value="">All integrations</MenuItem>
              {(integrations.data ?? []).map((i) => (
                <MenuItem key={i.id.id} value={i.id.id}>
                  {i.name}
                </MenuItem>
              ))}
            </TextField>
            <TextField label="Device name" placeholder="All devices" value={deviceName} onChange={(e) => setDeviceName(e.target.value)} disabled={lock} />
          </Stack>
          {error && <Alert severity="error">{error}</Alert>}
          {busy && !jobId && <LinearProgress aria-label="Working" />}
          {dry && !jobId && <DryRunResult dry={dry} />}
          {jobId && <JobProgress job={job} />}
        </Stack>
      </DialogContent>
      <DialogActions>
        {running ? (
          <>
            <Typography variant="body2" color="text.secondary" sx={{ flex: 1, pl: 2 }}>
              Closing leaves the replay running on the server.
            </Typography>
            <Button onClick={onClose}>Close</Button>
            <Button color="warning" onClick={() => void cancel()}>
              Cancel replay
            </Button>
          </>
        ) : (
          <>
            <Button onClick={onClose} disabled={busy}>
              Close
            </Button>
            <Button variant="outlined" onClick={() => void dryRun()} disabled={busy}>
              Dry run
            </Button>
            <Button variant="contained" onClick={() => void apply()} disabled={busy}>
              Apply
            </Button>
          </>
        )}
      </DialogActions>
    </Dialog>
  );
}

function DryRunResult({ dry }: { dry: ReplayDryRun }) {
  return (
    <Stack spacing={1} role="region" aria-label="Dry run result">
      <Counts label="Dry run counts" items={[['Messages', dry.messages], ['Changed', dry.changed], ['Unchanged', dry.unchanged], ['Failed', dry.failed]]} />
      {dry.messages === 0 && <Alert severity="info">No archived message in this window: widen it, or check the integration and device name.</Alert>}
      {dry.samples.length > 0 && (
        <Box sx={{ maxHeight: 420, overflow: 'auto' }}>
          <Table size="small" aria-label="Samples" stickyHeader>
            <TableHead>
              <TableRow>
                <TableCell sx={{ width: 140 }}>Device</TableCell>
                <TableCell sx={{ width: 170 }}>Received</TableCell>
                <TableCell>Before → after</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {dry.samples.map((s, i) => (
                <TableRow key={i}>
                  <TableCell>{s.deviceName ?? '—'}</TableCell>
                  <TableCell>{formatTime(s.ts)}</TableCell>
                  <TableCell>
                    {s.before && s.after ? (
                      <OutputChanges before={s.before} after={s.after} label="Changes" />
                    ) : (
                      <Typography color="error" variant="body2">
                        {s.after ? 'The version that decoded it first failed' : 'The current version fails'}
                        {s.error ? `: ${s.error}` : ''}
                      </Typography>
                    )}
                    <Box component="details" sx={{ mt: 0.5, '& summary': { cursor: 'pointer', fontSize: 12, color: 'text.secondary' } }}>
                      <summary>Outputs</summary>
                      <Box sx={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 1 }}>
                        <JsonView value={s.before ?? null} maxHeight={200} label="Before" />
                        <JsonView value={s.after ?? null} maxHeight={200} label="After" />
                      </Box>
                    </Box>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      )}
    </Stack>
  );
}

function JobProgress({ job }: { job: ReplayJob | null }) {
  const pct = job && job.total > 0 ? Math.min(100, (job.processed / job.total) * 100) : 0;
  const r = job?.result && 'stored' in job.result ? (job.result as ReplayApplied) : null;
  return (
    <Stack spacing={1} role="region" aria-label="Replay job">
      <LinearProgress variant={job ? 'determinate' : 'indeterminate'} value={job?.status === 'DONE' ? 100 : pct} aria-label="Replay progress" />
      <Typography variant="body2" color="text.secondary">
        {job ? `${job.processed} of ${job.total} messages` : 'Starting…'}
      </Typography>
      {job?.status === 'DONE' && <Alert severity={r?.failed ? 'warning' : 'success'}>Replay done.</Alert>}
      {job?.status === 'CANCELLED' && <Alert severity="info">Replay cancelled after {job.processed} of {job.total} messages; what was stored before stays.</Alert>}
      {job?.status === 'FAILED' && <Alert severity="error">Replay failed: {job.error ?? 'unknown error'}</Alert>}
      {r && <Counts label="Replay result" items={[['Messages', r.messages], ['Stored', r.stored], ['Failed', r.failed]]} />}
    </Stack>
  );
}
