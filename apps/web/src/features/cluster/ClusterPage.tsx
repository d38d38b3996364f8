import {
  Chip,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useEffect } from 'react';
import type { ClusterView } from '@bridgeboard/contracts';
import { api } from '../../app/api';
import { useLoad } from '../../app/hooks';
import { ErrorAlert, Loading } from '../../ui/states';
import { formatDuration } from '../../ui/time';

const REFRESH_MS = 2000;
const STATUS_COLOR = { ALIVE: 'success', STOPPING: 'warning', GONE: 'default' } as const;

/** The nodes sharing this database (system administrator): their load and the integrations each runs. Refreshes every 2 s. */
export function ClusterPage() {
  const { data, error, reload } = useLoad(
    (signal) => api.get<ClusterView>('/api/cluster', undefined, signal),
    [],
  );
  useEffect(() => {
    const t = setInterval(reload, REFRESH_MS);
    return () => clearInterval(t);
  }, [reload]);
  if (!data) return error ? <ErrorAlert error={error} onRetry={reload} /> : <Loading />;
  const alive = data.nodes.filter((n) => n.status === 'ALIVE').length;
  return (
    <Stack spacing={2}>
      <Typography variant="h5">Cluster</Typography>
      <ErrorAlert error={error} onRetry={reload} />
      <Typography color="text.secondary">
        {alive} node{alive === 1 ? '' : 's'} alive; this page is served by <b>{data.self}</b>. A node without
        a heartbeat for {formatDuration(data.nodeTimeoutMs)} is gone, and the others take its integrations
        over.
      </Typography>
      <Paper variant="outlined">
        <Table size="small" aria-label="Nodes">
          <TableHead>
            <TableRow>
              <TableCell>Node</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>Address</TableCell>
              <TableCell>Up for</TableCell>
              <TableCell>Last heartbeat</TableCell>
              <TableCell align="right">CPU</TableCell>
              <TableCell align="right">Memory</TableCell>
              <TableCell align="right">Live connections</TableCell>
              <TableCell>Integrations</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {data.nodes.map((n) => (
              <TableRow key={n.id}>
                <TableCell>
                  {n.id}
                  {n.id === data.self && <Chip size="small" label="this node" sx={{ ml: 1 }} />}
                </TableCell>
                <TableCell>
                  <Chip size="small" label={n.status} color={STATUS_COLOR[n.status]} />
                </TableCell>
                <TableCell>
                  {n.host}:{n.port} (pid {n.pid})
                </TableCell>
                <TableCell>{formatDuration(Math.max(0, n.lastHeartbeat - n.startedTime))}</TableCell>
                <TableCell>{formatDuration(Math.max(0, Date.now() - n.lastHeartbeat))} ago</TableCell>
                <TableCell align="right">{n.load.cpuPercent ?? '—'} %</TableCell>
                <TableCell align="right">{n.load.rssMb ?? '—'} MB</TableCell>
                <TableCell align="right">{n.load.sockets ?? 0}</TableCell>
                <TableCell>
                  {n.integrations.length === 0
                    ? '—'
                    : n.integrations.map((i) => (
                        <Chip
                          key={i.id}
                          size="small"
                          variant="outlined"
                          label={`${i.name} · ${i.state}`}
                          sx={{ mr: 0.5, mb: 0.5 }}
                          color={i.state === 'CONNECTED' ? 'success' : 'default'}
                        />
                      ))}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Paper>
      {data.shared.length > 0 && (
        <Typography>
          <b>On every node</b> (shared subscription): {data.shared.map((i) => i.name).join(', ')}
        </Typography>
      )}
      {data.unassigned.length > 0 && (
        <Typography color="warning.main">
          <b>Being taken over</b> (no alive node runs them yet):{' '}
          {data.unassigned.map((i) => i.name).join(', ')}
        </Typography>
      )}
    </Stack>
  );
}
