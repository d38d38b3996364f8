import { Box, Breadcrumbs, Link as MuiLink, Tab, Tabs, Typography } from '@mui/material';
import { lazy, Suspense } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useLoad } from '../../app/hooks';
import { ErrorAlert, Loading, PageHeader } from '../../ui/states';
import { devicesApi } from './devices.api';
import { DeviceDetailsTab } from './DeviceDetailsTab';
import { AttributesTab } from './AttributesTab';
import { LatestTelemetryTab } from './LatestTelemetryTab';
import { RpcTab } from './RpcTab';

// The chart is heavier and only needed on its tab.
const TelemetryChartTab = lazy(() => import('./TelemetryChartTab'));

const TABS = [
  { id: 'details', label: 'Details' },
  { id: 'attributes', label: 'Attributes' },
  { id: 'latest', label: 'Latest telemetry' },
  { id: 'chart', label: 'Telemetry chart' },
  { id: 'rpc', label: 'RPC' },
] as const;

/** One device; the tab is part of the URL (/devices/:id/latest) so reload and back keep it. */
export function DevicePage() {
  const { id = '', tab = 'details' } = useParams();
  const navigate = useNavigate();
  const device = useLoad((signal) => devicesApi.get(id, signal), [id]);
  const d = device.data;

  return (
    <>
      <Breadcrumbs sx={{ mb: 1 }}>
        <MuiLink component={Link} to="/devices">
          Devices
        </MuiLink>
        <Typography color="text.primary">{d?.name ?? '…'}</Typography>
      </Breadcrumbs>
      {device.loading && !d && <Loading />}
      <ErrorAlert error={device.error} onRetry={device.reload} />
      {d && (
        <>
          <PageHeader title={d.name} subtitle={`Type ${d.type}${d.label ? ` · ${d.label}` : ''}`} />
          <Tabs value={TABS.some((t) => t.id === tab) ? tab : 'details'} onChange={(_, v: string) => navigate(`/devices/${id}/${v}`)} sx={{ mb: 2, borderBottom: 1, borderColor: 'divider' }}>
            {TABS.map((t) => (
              <Tab key={t.id} value={t.id} label={t.label} />
            ))}
          </Tabs>
          <Box>
            {tab === 'details' && <DeviceDetailsTab key={d.version} device={d} onSaved={(nd) => device.setData(() => nd)} onReload={device.reload} />}
            {tab === 'attributes' && <AttributesTab deviceId={id} />}
            {tab === 'latest' && <LatestTelemetryTab deviceId={id} />}
            {tab === 'chart' && (
              <Suspense fallback={<Loading label="Loading chart…" />}>
                <TelemetryChartTab deviceId={id} />
              </Suspense>
            )}
            {tab === 'rpc' && <RpcTab deviceId={id} />}
          </Box>
        </>
      )}
    </>
  );
}

export default DevicePage;
