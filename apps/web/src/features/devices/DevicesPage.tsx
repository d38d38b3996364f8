import { Autocomplete, Button, TextField } from '@mui/material';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import type { Device } from '@bridgeboard/contracts';
import { useSocket } from '../../app/hooks';
import type { Column } from '../../ui/DataTable';
import { deleteColumn, ListPage, useDeleteRow, useList } from '../../ui/ListPage';
import { EmptyState } from '../../ui/states';
import { formatTime } from '../../ui/time';
import { devicesApi } from './devices.api';
import { DeviceDialog } from './DeviceDialog';

/** Devices: search, type filter, paging and sorting kept in the URL; new devices appear live. */
export function DevicesPage() {
  const list = useList<Device>({ sortProperty: 'createdTime', sortOrder: 'DESC', filters: ['type'] }, (query, signal) => devicesApi.page(query, signal));
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
  useSocket('tenant', (ev) => {
    if (ev === 'device' || ev === 'subscribed') list.reload();
  });

  const remove = useDeleteRow<Device>(list, {
    ask: (d) => ({ title: `Delete device ${d.name}?`, message: 'Its telemetry and attributes are deleted too.' }),
    remove: (d) => devicesApi.delete(d.id.id),
    done: (d) => `Device ${d.name} deleted`,
  });

  const columns: Column<Device>[] = [
    { key: 'createdTime', label: 'Created', sort: 'createdTime', width: 170, render: (d) => formatTime(d.createdTime) },
    { key: 'name', label: 'Name', sort: 'name', render: (d) => d.name },
    { key: 'type', label: 'Type', sort: 'type', render: (d) => d.type },
    { key: 'label', label: 'Label', sort: 'label', render: (d) => d.label ?? '' },
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

export default DevicesPage;
