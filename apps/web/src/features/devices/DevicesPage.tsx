import { Autocomplete, Box, Button, TextField, Tooltip } from '@mui/material';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import type { DeviceInfo } from '@bridgeboard/contracts';
import { useSocket } from '../../app/hooks';
import type { Column } from '../../ui/DataTable';
import { deleteColumn, ListPage, useDeleteRow, useList } from '../../ui/ListPage';
import { EmptyState } from '../../ui/states';
import { formatTime } from '../../ui/time';
import { devicesApi } from './devices.api';
import { DeviceDialog } from './DeviceDialog';

/** Devices: search, type filter, paging and sorting kept in the URL; new devices appear live. */
export function DevicesPage() {
  const list = useList<DeviceInfo>({ sortProperty: 'createdTime', sortOrder: 'DESC', filters: ['type'] }, (query, signal) => devicesApi.infos(query, signal));
  const { q, setQ } = list;
  const type = q.extra.type ?? '';
  const [types, setTypes] = useState<string[]>([]);
  const [creating, setCreating] = useState(false);
  const navigate = useNavigate();

  useEffect(() => {
    const seen = list.data?.data.map((d) => d.type) ?? [];
    setTypes((t) => [...new Set([...t, ...seen])].sort());
  }, [list.data]);

  // A device created or removed anywhere (an integration provisioning SN-001) shows without reloading.
  // Activity moves live too: lastActivityTime is patched in place, a device turning (in)active reloads the page.
  useSocket('tenant', (ev, payload) => {
    if (ev === 'device' || ev === 'subscribed') return list.reload();
    if (ev !== 'attributes') return;
    const { deviceId, scope, data } = payload as { deviceId: string; scope: string; data: { key: string; value: unknown }[] };
    if (scope !== 'SERVER_SCOPE') return;
    if (data.some((a) => a.key === 'active')) return list.reload();
    const last = data.find((a) => a.key === 'lastActivityTime');
    if (last && typeof last.value === 'number')
      list.setData((p) => p && { ...p, data: p.data.map((d) => (d.id.id === deviceId ? { ...d, lastActivityTime: last.value as number } : d)) });
  });

  const remove = useDeleteRow<DeviceInfo>(list, {
    ask: (d) => ({ title: `Delete device ${d.name}?`, message: 'Its telemetry and attributes are deleted too.' }),
    remove: (d) => devicesApi.delete(d.id.id),
    done: (d) => `Device ${d.name} deleted`,
  });

  const columns: Column<DeviceInfo>[] = [
    { key: 'active', label: 'Active', width: 70, render: (d) => <ActiveDot active={d.active} /> },
    { key: 'createdTime', label: 'Created', sort: 'createdTime', width: 170, render: (d) => formatTime(d.createdTime) },
    { key: 'name', label: 'Name', sort: 'name', render: (d) => d.name },
    { key: 'type', label: 'Type', sort: 'type', render: (d) => d.type },
    { key: 'label', label: 'Label', sort: 'label', render: (d) => d.label ?? '' },
    { key: 'lastActivityTime', label: 'Last activity', width: 170, render: (d) => formatTime(d.lastActivityTime) },
    deleteColumn((d) => d.name, (d) => void remove(d), { iconSize: 'small' }),
  ];

  return (
    <ListPage
      list={list}
      title="Devices"
      actions={
        <Button variant="contained" onClick={() => setCreating(true)}>
          Add device
        </Button>
      }
      filters={
        <Autocomplete
          freeSolo
          options={types}
          value={type}
          onChange={(_, v) => setQ({ extra: { type: v ?? '' } })}
          onInputChange={(_, v, reason) => reason === 'clear' && setQ({ extra: { type: '' } })}
          renderInput={(params) => <TextField {...params} label="Device type" />}
          sx={{ width: 220 }}
        />
      }
      filtered={!!type}
      aria-label="Devices"
      columns={columns}
      rowKey={(d) => d.id.id}
      onRowClick={(d) => navigate(`/devices/${d.id.id}`)}
      noMatch={{ title: 'No devices match', hint: 'Change the search text or the type filter.' }}
      empty={
        <EmptyState
          title="No devices yet"
          hint="Devices appear here when an integration receives their first message, or add one by hand."
          action={
            <Button variant="outlined" onClick={() => navigate('/integrations')}>
              Set up an integration
            </Button>
          }
        />
      }
    >
      <DeviceDialog
        open={creating}
        onClose={() => setCreating(false)}
        onSaved={(d) => {
          setCreating(false);
          void navigate(`/devices/${d.id.id}`);
        }}
      />
    </ListPage>
  );
}

/** ThingsBoard's active state: green while uplinks arrive within the inactivity timeout. */
export function ActiveDot({ active }: { active: boolean }) {
  const text = active ? 'Active' : 'Inactive';
  return (
    <Tooltip title={active ? 'Active: an uplink arrived within the inactivity timeout' : 'Inactive: no uplink within the inactivity timeout'}>
      <Box
        component="span"
        role="img"
        aria-label={text}
        data-active={active}
        sx={{ display: 'inline-block', width: 10, height: 10, borderRadius: '50%', bgcolor: active ? 'success.main' : 'grey.400' }}
      />
    </Tooltip>
  );
}

export default DevicesPage;
