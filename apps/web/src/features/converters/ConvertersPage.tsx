import { Button, Chip, Menu, MenuItem, Stack, TextField } from '@mui/material';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { Column } from '../../ui/DataTable';
import { deleteColumn, ListPage, useDeleteRow, useList } from '../../ui/ListPage';
import { EmptyState } from '../../ui/states';
import { formatTime } from '../../ui/time';
import { convertersApi, type Converter } from './converters.api';
import { ImportButton } from '../transfer/ImportButton';

/** Data converters: search, type filter, paging, debug badge. */
export function ConvertersPage() {
  const list = useList<Converter>({ sortProperty: 'createdTime', sortOrder: 'DESC', filters: ['type'] }, (query, signal) => convertersApi.page(query, signal));
  const { q, setQ } = list;
  const type = q.extra.type ?? '';
  const [menu, setMenu] = useState<HTMLElement | null>(null);
  const navigate = useNavigate();
  const remove = useDeleteRow<Converter>(list, {
    ask: (c) => ({ title: `Delete converter ${c.name}?`, message: 'Integrations cannot use a converter that is deleted; the server refuses while one does.' }),
    remove: (c) => convertersApi.delete(c.id.id),
    done: (c) => `Converter ${c.name} deleted`,
  });

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
    deleteColumn((c) => c.name, (c) => void remove(c), { iconSize: 'small' }),
  ];

  return (
    <ListPage
      list={list}
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
      filters={
        <TextField select label="Type" value={type} onChange={(e) => setQ({ extra: { type: e.target.value } })} sx={{ width: 160 }}>
          <MenuItem value="">All types</MenuItem>
          <MenuItem value="UPLINK">Uplink</MenuItem>
          <MenuItem value="DOWNLINK">Downlink</MenuItem>
        </TextField>
      }
      filtered={!!type}
      aria-label="Data converters"
      columns={columns}
      rowKey={(c) => c.id.id}
      onRowClick={(c) => navigate(`/converters/${c.id.id}`)}
      noMatch={{ title: 'No converters match', hint: 'Change the search text or the type filter.' }}
      empty={
        <EmptyState
          title="No data converters yet"
          hint="Create an uplink converter first: it decodes your devices' messages. It starts from the guide's example."
          action={
            <Button variant="outlined" onClick={() => navigate('/converters/new?type=UPLINK')}>
              Create uplink converter
            </Button>
          }
        />
      }
    />
  );
}

export default ConvertersPage;
