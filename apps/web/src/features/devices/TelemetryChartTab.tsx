import { Chip, MenuItem, Paper, Stack, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useLoad, useSocket } from '../../app/hooks';
import { EmptyState, ErrorAlert, Loading } from '../../ui/states';
import { devicesApi, type TsData } from './devices.api';
import { TimeSeriesChart } from './TimeSeriesChart';

const RANGES = [
  { ms: 5 * 60_000, label: 'Last 5 minutes' },
  { ms: 15 * 60_000, label: 'Last 15 minutes' },
  { ms: 60 * 60_000, label: 'Last hour' },
  { ms: 6 * 3600_000, label: 'Last 6 hours' },
  { ms: 24 * 3600_000, label: 'Last 24 hours' },
  { ms: 7 * 86400_000, label: 'Last 7 days' },
];

const isNumber = (v: unknown) =>
  typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));

/** History of the chosen keys over a sliding window; new points are added live. */
export default function TelemetryChartTab({ deviceId }: { deviceId: string }) {
  const [range, setRange] = useState(RANGES[1]!.ms);
  const [selected, setSelected] = useState<string[] | null>(null);
  const [now, setNow] = useState(Date.now());
  const keys = useLoad((signal) => devicesApi.keys(deviceId, signal), [deviceId]);
  // preselected: the keys whose latest value is a number (a text key such as rpcReceived draws no line)
  const latest = useLoad(
    (signal) => (keys.data?.length ? devicesApi.latest(deviceId, keys.data, signal) : Promise.resolve({} as TsData)),
    [deviceId, (keys.data ?? []).join(',')],
  );
  const plottable = (keys.data ?? []).filter((k) => isNumber(latest.data?.[k]?.[0]?.value));
  const chosen = selected ?? plottable;
  const startTs = now - range;
  const history = useLoad(
    (signal) => (chosen.length ? devicesApi.history(deviceId, chosen, Date.now() - range, Date.now(), 5000, signal) : Promise.resolve({} as TsData)),
    [deviceId, range, chosen.join(',')],
  );
  // slide the window so old points leave on the left
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(t);
  }, []);

  useSocket(`device:${deviceId}`, (ev, p) => {
    if (ev === 'subscribed') return history.reload(); // points sent while the socket was away
    const data = (p as { data?: TsData }).data;
    if (ev !== 'telemetry' || !data) return;
    if (Object.keys(data).some((k) => !keys.data?.includes(k))) keys.reload();
    history.setData((old) => {
      const next: TsData = { ...(old ?? {}) };
      for (const [k, pts] of Object.entries(data)) if (chosen.includes(k)) next[k] = [...(next[k] ?? []), ...pts];
      return next;
    });
    setNow(Date.now());
  });

  const visible: TsData = Object.fromEntries(Object.entries(history.data ?? {}).map(([k, pts]) => [k, pts.filter((p) => p.ts >= startTs)]));
  return (
    <Paper variant="outlined" sx={{ p: 2 }}>
      <Stack direction="row" spacing={2} sx={{ mb: 2, alignItems: 'center', flexWrap: 'wrap' }}>
        <TextField select label="Time range" value={range} onChange={(e) => setRange(Number(e.target.value))} sx={{ width: 200 }}>
          {RANGES.map((r) => (
            <MenuItem key={r.ms} value={r.ms}>
              {r.label}
            </MenuItem>
          ))}
        </TextField>
        <Typography color="text.secondary">Keys:</Typography>
        {(keys.data ?? []).map((k) => (
          <Chip
            key={k}
            label={k}
            color={chosen.includes(k) ? 'primary' : 'default'}
            onClick={() => setSelected(chosen.includes(k) ? chosen.filter((x) => x !== k) : [...chosen, k])}
          />
        ))}
      </Stack>
      <ErrorAlert error={keys.error ?? history.error} onRetry={() => (keys.reload(), history.reload())} />
      {keys.loading && !keys.data ? (
        <Loading />
      ) : !keys.data?.length ? (
        <EmptyState title="No telemetry yet" hint="The chart fills in as soon as the device sends numeric values." />
      ) : (
        <TimeSeriesChart data={visible} startTs={startTs} endTs={now} />
      )}
    </Paper>
  );
}
