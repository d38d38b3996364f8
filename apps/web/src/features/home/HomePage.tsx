import {
  Box,
  Button,
  Card,
  CardContent,
  Chip,
  Link,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';
import { Link as RouterLink, useNavigate } from 'react-router';
import type { DebugEvent } from '@bridgeboard/contracts';
import { useAuth } from '../../app/auth';
import { useLoad } from '../../app/hooks';
import { Sparkline } from '../../ui/Sparkline';
import { EmptyState, ErrorAlert, Loading, PageHeader } from '../../ui/states';
import { formatTime } from '../../ui/time';
import { TraceDialog } from '../../ui/TraceTimeline';
import { StatusChip } from '../integrations/StatusChip';
import { formatRate, homeApi } from './home.api';
import { TenantUsageTable } from './TenantUsageTable';

/** How often the home page refreshes its numbers, ms (the rates move per minute). */
const REFRESH_MS = 5000;

function useRefresh(reload: () => void) {
  useEffect(() => {
    const t = setInterval(reload, REFRESH_MS);
    return () => clearInterval(t);
  }, [reload]);
}

/** After login: is every integration receiving, are the devices alive, what went wrong lately. */
export function HomePage() {
  const { user } = useAuth();
  if (user?.authority === 'SYS_ADMIN') return <TenantUsageTable />;
  return <TenantHome />;
}

function TenantHome() {
  const integrations = useLoad((s) => homeApi.integrations(s), []);
  const summary = useLoad((s) => homeApi.summary(s), []);
  useRefresh(integrations.reload);
  useRefresh(summary.reload);
  const [trace, setTrace] = useState<string | null>(null);
  const navigate = useNavigate();
  const d = summary.data?.devices;
  return (
    <Box>
      <PageHeader
        title="Home"
        subtitle="Integrations, devices and recent errors at a glance; refreshed every few seconds."
      />
      <ErrorAlert
        error={integrations.error ?? summary.error}
        onRetry={() => (integrations.reload(), summary.reload())}
      />
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ mb: 2 }}>
        <Card variant="outlined" sx={{ flex: 1 }} aria-label="Devices">
          <CardContent>
            <Typography variant="subtitle2" color="text.secondary">
              Devices
            </Typography>
            {d ? (
              <Stack direction="row" spacing={3} sx={{ alignItems: 'baseline' }}>
                <Typography variant="h4" data-testid="devices-active">
                  {d.active}
                </Typography>
                <Typography>active</Typography>
                <Typography variant="h5" color="text.secondary" data-testid="devices-inactive">
                  {d.inactive}
                </Typography>
                <Typography color="text.secondary">inactive</Typography>
                <Button size="small" onClick={() => navigate('/devices')}>
                  All devices
                </Button>
              </Stack>
            ) : (
              <Loading />
            )}
          </CardContent>
        </Card>
      </Stack>
      <Card variant="outlined" sx={{ mb: 2 }}>
        <CardContent>
          <Typography variant="subtitle2" color="text.secondary" gutterBottom>
            Integrations
          </Typography>
          {!integrations.data ? (
            <Loading />
          ) : !integrations.data.data.length ? (
            <EmptyState
              title="No integrations yet"
              hint="An integration connects to your MQTT broker and turns messages into device data."
              action={<Button onClick={() => navigate('/integrations')}>Set up an integration</Button>}
            />
          ) : (
            <Table size="small" aria-label="Integrations health">
              <TableHead>
                <TableRow>
                  <TableCell>Name</TableCell>
                  <TableCell>Status</TableCell>
                  <TableCell>Messages, last 15 min</TableCell>
                  <TableCell>Rate 1 / 15 min</TableCell>
                  <TableCell>Errors</TableCell>
                  <TableCell>Quarantine</TableCell>
                  <TableCell>Last message</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {integrations.data.data.map((i) => {
                  const s = i.status;
                  return (
                    <TableRow key={i.id.id} data-integration={i.name}>
                      <TableCell>
                        <Link component={RouterLink} to={`/integrations/${i.id.id}`}>
                          {i.name}
                        </Link>
                      </TableCell>
                      <TableCell>
                        <StatusChip status={s?.status} enabled={i.enabled} lastError={s?.lastError} />
                      </TableCell>
                      <TableCell sx={{ color: 'primary.main' }}>
                        <Sparkline
                          values={s?.rates?.perMinute ?? []}
                          label={`${i.name} messages per minute`}
                        />
                      </TableCell>
                      <TableCell data-testid="rate">
                        {formatRate(s?.rates?.in1m)} / {formatRate(s?.rates?.in15m)}
                      </TableCell>
                      <TableCell>
                        {s?.errors ? (
                          <Chip
                            size="small"
                            color={s.rates?.errors15m ? 'error' : 'default'}
                            label={`${s.errors} (${formatRate(s.rates?.errors15m)})`}
                          />
                        ) : (
                          '0'
                        )}
                      </TableCell>
                      <TableCell>{s?.quarantined ?? 0}</TableCell>
                      <TableCell>{formatTime(s?.lastMessageTime)}</TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      <Card variant="outlined">
        <CardContent>
          <Typography variant="subtitle2" color="text.secondary" gutterBottom>
            Recent errors
          </Typography>
          {summary.data && !summary.data.recentErrors.length && (
            <Typography color="text.secondary">No errors recorded.</Typography>
          )}
          {summary.data?.recentErrors.map((e) => (
            <ErrorRow key={e.id} e={e} onTrace={setTrace} />
          ))}
        </CardContent>
      </Card>
      <TraceDialog traceId={trace} onClose={() => setTrace(null)} />
    </Box>
  );
}

const WHERE: Record<string, (id: string) => string> = {
  INTEGRATION: (id) => `/integrations/${id}/events`,
  CONVERTER: (id) => `/converters/${id}/events`,
  DEVICE: (id) => `/devices/${id}`,
};

function ErrorRow({ e, onTrace }: { e: DebugEvent; onTrace: (id: string) => void }) {
  const to = WHERE[e.entityId.entityType]?.(e.entityId.id);
  return (
    <Stack
      direction="row"
      spacing={1}
      sx={{ alignItems: 'center', py: 0.5, borderTop: 1, borderColor: 'divider' }}
    >
      <Typography variant="body2" color="text.secondary" sx={{ width: 150, flexShrink: 0 }}>
        {formatTime(e.createdTime)}
      </Typography>
      <Chip size="small" label={e.entityId.entityType} />
      <Typography
        variant="body2"
        sx={{ flex: 1, minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
        title={String(e.body.error)}
      >
        {String(e.body.error)}
      </Typography>
      {to && (
        <Button size="small" component={RouterLink} to={to}>
          Open
        </Button>
      )}
      {e.traceId && (
        <Button size="small" onClick={() => onTrace(e.traceId!)}>
          Journey
        </Button>
      )}
    </Stack>
  );
}

export default HomePage;
