import { Button, Chip, IconButton, Menu, MenuItem, Stack, TextField, Tooltip } from '@mui/material';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { useDebounced, useLoad, usePageParams } from '../../app/hooks';
import { useNotify } from '../../app/notify';
import { useConfirm } from '../../ui/ConfirmDialog';
import { DeleteIcon } from '../../ui/icons';
import { DataTable, type Column } from '../../ui/DataTable';
import { EmptyState, ErrorAlert, PageHeader } from '../../ui/states';
import { formatTime } from '../../ui/time';
import { convertersApi, type Converter } from './converters.api';
import { ImportButton } from '../transfer/ImportButton';

/** Data converters: search, type filter, paging, debug badge. */
export function ConvertersPage() {
  const [q, setQ] = usePageParams({ sortProperty: 'createdTime', sortOrder: 'DESC' });
  const [search, setSearch] = useState(q.textSearch);
  const debounced = useDebounced(search);
  const type = q.extra.type ?? '';
  const [menu, setMenu] = useState<HTMLElement | null>(null);
  const navigate = useNavigate();
  const confirm = useConfirm();
  const notify = useNotify();

  useEffect(() => {
    if (debounced !== q.textSearch) setQ({ textSearch: debounced });
  }, [debounced]); // only when the debounced text changes

  const list = useLoad(
    (signal) => convertersApi.page({ page: q.page, pageSize: q.pageSize, textSearch: q.textSearch, sortProperty: q.sortProperty, sortOrder: q.sortOrder, type }, signal),
    [q.page, q.pageSize, q.textSearch, q.sortProperty, q.sortOrder, type],
  );

  const remove = async (c: Converter) => {
    if (!(await confirm({ title: `Delete converter ${c.name}?`, message: 'Integrations cannot use a converter that is deleted; the server refuses while one does.' }))) return;
    try {
      await convertersApi.delete(c.id.id);
      notify(`Converter ${c.name} deleted`);
      list.reload();
    } catch (e) {
      notify.error(e);
    }
  };

  const columns: Column<Converter>[] = [
    { key: 'createdTime', label: 'Created', sort: 'createdTime', width: 170, render: (c) => formatTime(c.createdTime) },
    {
      key: 'name',
      label: 'Name',
      sort: 'name',
      render: (c) => (
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
          <span>{c.name}</span>
          {c.debugMode && <Chip size="small" color="warning" label="Debug" />}
        </Stack>
      ),
    },
    { key: 'type', label: 'Type', sort: 'type', width: 120, render: (c) => (c.type === 'UPLINK' ? 'Uplink' : 'Downlink') },
    {
      key: 'actions',
      label: '',
      width: 50,
      render: (c) => (
        <Tooltip title="Delete">
          <IconButton
            size="small"
            aria-label={`Delete ${c.name}`}
            onClick={(e) => {
              e.stopPropagation();
              void remove(c);
            }}
          >
            <DeleteIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Data converters"
        subtitle="Scripts that turn broker messages into device data (uplink) and commands into payloads (downlink)."
        actions={
          <>
            <ImportButton onImported={list.reload} />
            <Button variant="contained" onClick={(e) => setMenu(e.currentTarget)} aria-haspopup="menu">
              + Add converter
            </Button>
            <Menu anchorEl={menu} open={!!menu} onClose={() => setMenu(null)}>
              <MenuItem onClick={() => navigate('/converters/new?type=UPLINK')}>Uplink converter</MenuItem>
              <MenuItem onClick={() => navigate('/converters/new?type=DOWNLINK')}>Downlink converter</MenuItem>
            </Menu>
          </>
        }
      />
      <Stack direction="row" spacing={2} sx={{ mb: 2 }}>
        <TextField label="Search by name" value={search} onChange={(e) => setSearch(e.target.value)} sx={{ width: 280 }} type="search" />
        <TextField select label="Type" value={type} onChange={(e) => setQ({ extra: { type: e.target.value } })} sx={{ width: 160 }}>
          <MenuItem value="">All types</MenuItem>
          <MenuItem value="UPLINK">Uplink</MenuItem>
          <MenuItem value="DOWNLINK">Downlink</MenuItem>
        </TextField>
      </Stack>
      <ErrorAlert error={list.error} onRetry={list.reload} />
      <DataTable
        aria-label="Data converters"
        columns={columns}
        rows={list.data?.data}
        rowKey={(c) => c.id.id}
        loading={list.loading}
        onRowClick={(c) => navigate(`/converters/${c.id.id}`)}
        sort={{ property: q.sortProperty, order: q.sortOrder, onChange: (sortProperty, sortOrder) => setQ({ sortProperty, sortOrder }) }}
        paging={{ page: q.page, pageSize: q.pageSize, total: list.data?.totalElements ?? 0, onChange: (page, pageSize) => setQ({ page, pageSize }) }}
        empty={
          q.textSearch || type ? (
            <EmptyState title="No converters match" hint="Change the search text or the type filter." />
          ) : (
            <EmptyState
              title="No data converters yet"
              hint="Create an uplink converter first: it decodes your devices' messages. It starts from the guide's example."
              action={
                <Button variant="outlined" onClick={() => navigate('/converters/new?type=UPLINK')}>
                  Create uplink converter
                </Button>
              }
            />
          )
        }
      />
    </>
  );
}

export default ConvertersPage;
