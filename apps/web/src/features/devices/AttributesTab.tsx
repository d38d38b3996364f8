import { Button, Stack, TextField } from '@mui/material';
import { useState } from 'react';
import { useLoad, useSocket } from '../../app/hooks';
import { useNotify } from '../../app/notify';
import { DataTable } from '../../ui/DataTable';
import { EmptyState, ErrorAlert } from '../../ui/states';
import { formatTime } from '../../ui/time';
import { devicesApi, showValue, type AttributeKv } from './devices.api';

const SCOPE = 'SERVER_SCOPE';

/** Server-side attributes: live, and a key can be added or overwritten (value as JSON, or text when it is not JSON). */
export function AttributesTab({ deviceId }: { deviceId: string }) {
  const attrs = useLoad((signal) => devicesApi.attributes(deviceId, SCOPE, signal), [deviceId]);
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const notify = useNotify();

  useSocket(`device:${deviceId}`, (ev, p) => {
    const payload = p as { scope?: string; data?: AttributeKv[] };
    if (ev !== 'attributes' || payload.scope !== SCOPE || !payload.data) return;
    attrs.setData((old) => {
      const map = new Map((old ?? []).map((a) => [a.key, a]));
      for (const a of payload.data!) map.set(a.key, a);
      return [...map.values()];
    });
  });

  const add = async () => {
    let v: unknown = value;
    try {
      v = JSON.parse(value);
    } catch {
      // plain text stays a string
    }
    try {
      await devicesApi.saveAttributes(deviceId, SCOPE, { [key.trim()]: v });
      setKey('');
      setValue('');
      attrs.reload();
    } catch (e) {
      notify.error(e);
    }
  };
  const rows = [...(attrs.data ?? [])].sort((a, b) => a.key.localeCompare(b.key));
  return (
    <>
      <Stack direction="row" spacing={1} sx={{ mb: 2 }}>
        <TextField label="Key" value={key} onChange={(e) => setKey(e.target.value)} />
        <TextField label="Value (JSON or text)" value={value} onChange={(e) => setValue(e.target.value)} sx={{ width: 320 }} />
        <Button variant="outlined" onClick={add} disabled={!key.trim()}>
          Save attribute
        </Button>
      </Stack>
      <ErrorAlert error={attrs.error} onRetry={attrs.reload} />
      <DataTable
        aria-label="Server attributes"
        rows={rows}
        rowKey={(a) => a.key}
        loading={attrs.loading}
        columns={[
          { key: 'ts', label: 'Last update', width: 170, render: (a) => formatTime(a.lastUpdateTs) },
          { key: 'scope', label: 'Scope', width: 130, render: () => SCOPE },
          { key: 'key', label: 'Key', render: (a) => a.key },
          { key: 'value', label: 'Value', render: (a) => showValue(a.value) },
        ]}
        empty={<EmptyState title="No server attributes" hint="Attributes arrive from the converter's result (attributes: {...}) or add one above." />}
      />
    </>
  );
}
