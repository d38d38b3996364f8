import { Box, Typography } from '@mui/material';
import { useEffect, useRef, useState } from 'react';
import { useLoad, useSocket } from '../../app/hooks';
import { DataTable } from '../../ui/DataTable';
import { EmptyState, ErrorAlert } from '../../ui/states';
import { formatTime } from '../../ui/time';
import { devicesApi, mergeLatest, showValue, type TsData } from './devices.api';

const FLASH_MS = 1500;

/** Latest value of every key; live, and a value that just changed flashes. */
export function LatestTelemetryTab({ deviceId }: { deviceId: string }) {
  const latest = useLoad(async (signal) => {
    const keys = await devicesApi.keys(deviceId, signal);
    return keys.length ? devicesApi.latest(deviceId, keys, signal) : ({} as TsData);
  }, [deviceId]);
  const [flash, setFlash] = useState<Record<string, number>>({});
  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);
  useEffect(() => () => timers.current.forEach(clearTimeout), []);

  useSocket(`device:${deviceId}`, (ev, p) => {
    if (ev === 'subscribed') return latest.reload();
    const data = (p as { data?: TsData }).data;
    if (ev !== 'telemetry' || !data) return;
    latest.setData((old) => mergeLatest(old, data));
    const now = Date.now();
    setFlash((f) => ({ ...f, ...Object.fromEntries(Object.keys(data).map((k) => [k, now])) }));
    timers.current.push(setTimeout(() => setFlash((f) => Object.fromEntries(Object.entries(f).filter(([, t]) => Date.now() - t < FLASH_MS))), FLASH_MS + 50));
  });

  const rows = Object.entries(latest.data ?? {})
    .map(([key, pts]) => ({ key, ts: pts[0]?.ts ?? 0, value: pts[0]?.value }))
    .sort((a, b) => a.key.localeCompare(b.key));
  return (
    <Box>
      <Typography color="text.secondary" sx={{ mb: 1 }}>
        Values update live as messages arrive.
      </Typography>
      <ErrorAlert error={latest.error} onRetry={latest.reload} />
      <DataTable
        aria-label="Latest telemetry"
        rows={rows}
        rowKey={(r) => r.key}
        loading={latest.loading}
        rowSx={(r) => ({ transition: 'background-color 0.6s', bgcolor: flash[r.key] ? 'rgba(255, 213, 79, 0.55)' : undefined })}
        columns={[
          { key: 'ts', label: 'Last update', width: 170, render: (r) => formatTime(r.ts) },
          { key: 'key', label: 'Key', render: (r) => r.key },
          { key: 'value', label: 'Value', render: (r) => <span data-testid={`latest-${r.key}`}>{showValue(r.value)}</span> },
        ]}
        empty={<EmptyState title="No telemetry yet" hint="Send a message through an integration; values show here as they arrive." />}
      />
    </Box>
  );
}
