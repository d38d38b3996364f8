import { Alert, Box, Button, Chip, FormControlLabel, Paper, Stack, Switch, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import type { PageData, Rpc, RpcStatus } from '@bridgeboard/contracts';
import { api, errorMessage } from '../../app/api';
import { useLoad } from '../../app/hooks';
import { DataTable } from '../../ui/DataTable';
import { JsonView } from '../../ui/JsonView';
import { EmptyState, ErrorAlert } from '../../ui/states';
import { formatTime } from '../../ui/time';

const STATUS_COLOR: Record<RpcStatus, 'default' | 'info' | 'success' | 'error' | 'warning'> = {
  QUEUED: 'default',
  SENT: 'info',
  DELIVERED: 'info',
  SUCCESSFUL: 'success',
  TIMEOUT: 'warning',
  EXPIRED: 'warning',
  FAILED: 'error',
};

/** Send a command to the device (one-way or two-way); persistent calls are listed with their status. */
export function RpcTab({ deviceId }: { deviceId: string }) {
  const [method, setMethod] = useState('setValue');
  const [params, setParams] = useState('32');
  const [twoWay, setTwoWay] = useState(false);
  const [persistent, setPersistent] = useState(false);
  const [timeout, setTimeoutMs] = useState('10000');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string; data?: unknown } | null>(null);
  const [page, setPage] = useState(0);
  const calls = useLoad(
    (signal) => api.get<PageData<Rpc>>(`/api/rpc/persistent/device/${deviceId}`, { page, pageSize: 10, sortProperty: 'createdTime', sortOrder: 'DESC' }, signal),
    [deviceId, page],
  );

  const send = async () => {
    let p: unknown;
    try {
      p = params.trim() === '' ? {} : JSON.parse(params);
    } catch {
      return setResult({ ok: false, text: 'Params must be JSON: a number like 32, a string in quotes like "abc", or an object.' });
    }
    setBusy(true);
    setResult(null);
    try {
      const body = { method, params: p, timeout: Number(timeout) || undefined, persistent };
      const res = await api.post<unknown>(`/api/plugins/rpc/${twoWay ? 'twoway' : 'oneway'}/${deviceId}`, body);
      setResult({
        ok: true,
        text: persistent ? 'Call stored; its status is below.' : twoWay ? 'The device answered:' : 'The command has left for the device.',
        data: res,
      });
      if (persistent) calls.reload();
    } catch (e) {
      setResult({ ok: false, text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack spacing={2}>
      <Paper variant="outlined" sx={{ p: 2 }}>
        <Stack direction="row" spacing={2} sx={{ alignItems: 'flex-start', flexWrap: 'wrap', rowGap: 2 }}>
          <TextField label="Method" value={method} onChange={(e) => setMethod(e.target.value)} required />
          <TextField label="Params (JSON)" value={params} onChange={(e) => setParams(e.target.value)} sx={{ width: 300 }} helperText='e.g. 32, "on" or {"pin": 4}' />
          <TextField label="Timeout, ms" value={timeout} onChange={(e) => setTimeoutMs(e.target.value)} sx={{ width: 130 }} type="number" />
          <FormControlLabel control={<Switch checked={twoWay} onChange={(e) => setTwoWay(e.target.checked)} />} label="Two-way (wait for a reply)" />
          <FormControlLabel control={<Switch checked={persistent} onChange={(e) => setPersistent(e.target.checked)} />} label="Persistent" />
          <Button variant="contained" onClick={send} disabled={busy || !method.trim()}>
            {busy ? 'Sending…' : 'Send'}
          </Button>
        </Stack>
        {result && (
          <Alert severity={result.ok ? 'success' : 'error'} sx={{ mt: 2 }}>
            {result.text}
            {result.data !== undefined && <JsonView value={result.data} maxHeight={200} />}
          </Alert>
        )}
        <Typography color="text.secondary" sx={{ mt: 1 }}>
          The call goes through the Root Rule Chain (RPC Request to Device) to the integration's downlink converter.
        </Typography>
      </Paper>
      <Box>
        <Typography variant="h6" gutterBottom>
          Persistent calls
        </Typography>
        <ErrorAlert error={calls.error} onRetry={calls.reload} />
        <DataTable
          aria-label="Persistent RPC calls"
          rows={calls.data?.data}
          rowKey={(r) => r.id.id}
          loading={calls.loading}
          columns={[
            { key: 'created', label: 'Created', width: 170, render: (r) => formatTime(r.createdTime) },
            { key: 'method', label: 'Method', render: (r) => r.request.body.method },
            { key: 'params', label: 'Params', render: (r) => r.request.body.params },
            { key: 'type', label: 'Type', render: (r) => (r.request.oneway ? 'one-way' : 'two-way') },
            { key: 'status', label: 'Status', render: (r) => <Chip size="small" label={r.status} color={STATUS_COLOR[r.status] ?? 'default'} /> },
            { key: 'response', label: 'Response', render: (r) => (r.response == null ? '' : JSON.stringify(r.response)) },
          ]}
          paging={{ page, pageSize: 10, total: calls.data?.totalElements ?? 0, onChange: (p) => setPage(p) }}
          empty={<EmptyState title="No persistent calls" hint="Turn on Persistent above to keep a call with its status until the device gets it." />}
        />
      </Box>
    </Stack>
  );
}
