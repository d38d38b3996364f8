import { Autocomplete, Button, IconButton, Stack, TextField, Tooltip } from '@mui/material';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import type { Device } from '@bridgeboard/contracts';
import { useDebounced, useLoad, usePageParams, useSocket } from '../../app/hooks';
import { useNotify } from '../../app/notify';
import { useConfirm } from '../../ui/ConfirmDialog';
import { DeleteIcon } from '../../ui/icons';
import { DataTable, type Column } from '../../ui/DataTable';
import { EmptyState, ErrorAlert, PageHeader } from '../../ui/states';
import { formatTime } from '../../ui/time';
import { devicesApi } from './devices.api';
import { DeviceDialog } from './DeviceDialog';

/** Devices: search, type filter, paging and sorting kept in the URL; new devices appear live. */
export function DevicesPage() {
  const [q, setQ] = usePageParams({ sortProperty: 'createdTime', sortOrder: 'DESC' });
  const [search, setSearch] = useState(q.textSearch);
  const debounced = useDebounced(search);
  const type = q.extra.type ?? '';
  const [types, setTypes] = useState<string[]>([]);
  const [creating, setCreating] = useState(false);
  const navigate = useNavigate();
  const confirm = useConfirm();
  const notify = useNotify();

  useEffect(() => {
    if (debounced !== q.textSearch) setQ({ textSearch: debounced });
  }, [debounced]); // only when the debounced text changes

  const list = useLoad(
    (signal) => devicesApi.page({ page: q.page, pageSize: q.pageSize, textSearch: q.textSearch, sortProperty: q.sortProperty, sortOrder: q.sortOrder, type }, signal),
    [q.page, q.pageSize, q.textSearch, q.sortProperty, q.sortOrder, type],
  );
  useEffect(() => {
    const seen = list.data?.data.map((d) => d.type) ?? [];
    setTypes((t) => [...new Set([...t, ...seen])].sort());
  }, [list.data]);

  // A device created or removed anywhere (an integration provisioning SN-001) shows without reloading.
  useSocket('tenant', (ev) => {
    if (ev === 'device' || ev === 'subscribed') list.reload();
  });

  const remove = async (d: Device) => {
    if (!(await confirm({ title: `Delete device ${d.name}?`, message: 'Its telemetry and attributes are deleted too.' }))) return;
    try {
      await devicesApi.delete(d.id.id);
      notify(`Device ${d.name} deleted`);
      list.reload();
    } catch (e) {
      notify.error(e);
    }
  };

  const columns: Column<Device>[] = [
    { key: 'createdTime', label: 'Created', sort: 'createdTime', width: 170, render: (d) => formatTime(d.createdTime) },
    { key: 'name', label: 'Name', sort: 'name', render: (d) => d.name },
    { key: 'type', label: 'Type', sort: 'type', render: (d) => d.type },
    { key: 'label', label: 'Label', sort: 'label', render: (d) => d.label ?? '' },
    {
      key: 'actions',
      label: '',
      width: 50,
      render: (d) => (
        <Tooltip title="Delete">
          <IconButton
            size="small"
            aria-label={`Delete ${d.name}`}
            onClick={(e) => {
              e.stopPropagation();
              void remove(d);
            }}
          >
            <DeleteIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      ),
    },
  ];

  const filtered = !!(q.textSearch || type);
  return (
    <>
      <PageHeader
        title="Devices"
        actions={
          <Button variant="contained" onClick={() => setCreating(true)}>
            Add device
          </Button>
        }
      />
      <Stack direction="row" spacing={2} sx={{ mb: 2 }}>
        <TextField label="Search by name" value={search} onChange={(e) => setSearch(e.target.value)} sx={{ width: 280 }} type="search" />
        <Autocomplete
          freeSolo
          options={types}
          value={type}
          onChange={(_, v) => setQ({ extra: { type: v ?? '' } })}
          onInputChange={(_, v, reason) => reason === 'clear' && setQ({ extra: { type: '' } })}
          renderInput={(params) => <TextField {...params} label="Device type" />}
          sx={{ width: 220 }}
        />
      </Stack>
      <ErrorAlert error={list.error} onRetry={list.reload} />
      <DataTable
        aria-label="Devices"
        columns={columns}
        rows={list.data?.data}
        rowKey={(d) => d.id.id}
        loading={list.loading}
        onRowClick={(d) => navigate(`/devices/${d.id.id}`)}
        sort={{ property: q.sortProperty, order: q.sortOrder, onChange: (sortProperty, sortOrder) => setQ({ sortProperty, sortOrder }) }}
        paging={{ page: q.page, pageSize: q.pageSize, total: list.data?.totalElements ?? 0, onChange: (page, pageSize) => setQ({ page, pageSize }) }}
        empty={
          filtered ? (
            <EmptyState title="No devices match" hint="Change the search text or the type filter." />
          ) : (
            <EmptyState
              title="No devices yet"
              hint="Devices appear here when an integration receives their first message, or add one by hand."
              action={
                <Button variant="outlined" onClick={() => navigate('/integrations')}>
                  Set up an integration
                </Button>
              }
            />
          )
        }
      />
      <DeviceDialog
        open={creating}
        onClose={() => setCreating(false)}
        onSaved={(d) => {
          setCreating(false);
          void navigate(`/devices/${d.id.id}`);
        }}
      />
    </>
  );
}

export default DevicesPage;
