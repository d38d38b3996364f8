import { Button } from '@mui/material';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { DashboardInfo } from '@bridgeboard/contracts';
import type { Column } from '../../ui/DataTable';
import { deleteColumn, ListPage, useDeleteRow, useList } from '../../ui/ListPage';
import { NameDialog } from '../../ui/NameDialog';
import { EmptyState } from '../../ui/states';
import { formatTime } from '../../ui/time';
import { dashboardsApi, emptyConfiguration } from './dashboards.api';
import { ImportButton } from '../transfer/ImportButton';

/** Dashboards: search and paging kept in the URL; a new dashboard opens in edit mode. */
export function DashboardsPage() {
  const list = useList<DashboardInfo>({ sortProperty: 'createdTime', sortOrder: 'DESC' }, (query, signal) =>
    dashboardsApi.page(query, signal),
  );
  const [creating, setCreating] = useState(false);
  const navigate = useNavigate();

  const remove = useDeleteRow<DashboardInfo>(list, {
    ask: (d) => ({
      title: `Delete dashboard ${d.title}?`,
      message: 'Its widgets and aliases are deleted; devices and data stay.',
    }),
    remove: (d) => dashboardsApi.delete(d.id.id),
    done: (d) => `Dashboard ${d.title} deleted`,
  });

  const columns: Column<DashboardInfo>[] = [
    {
      key: 'createdTime',
      label: 'Created',
      sort: 'createdTime',
      width: 170,
      render: (d) => formatTime(d.createdTime),
    },
    { key: 'title', label: 'Title', sort: 'title', render: (d) => d.title },
    deleteColumn(
      (d) => d.title,
      (d) => void remove(d),
    ),
  ];

  return (
    <ListPage
      list={list}
      title="Dashboards"
      actions={
        <>
          <ImportButton onImported={list.reload} />
          <Button variant="contained" onClick={() => setCreating(true)} data-testid="dashboard-add">
            Add dashboard
          </Button>
        </>
      }
      searchLabel="Search by title"
      aria-label="Dashboards"
      columns={columns}
      rowKey={(d) => d.id.id}
      onRowClick={(d) => navigate(`/dashboards/${d.id.id}`)}
      noMatch={{ title: 'No dashboards match', hint: 'Change the search text.' }}
      empty={
        <EmptyState
          title="No dashboards yet"
          hint="A dashboard shows your devices' data and controls them: add one, then an entity alias and widgets."
          action={
            <Button variant="outlined" onClick={() => setCreating(true)}>
              Add dashboard
            </Button>
          }
        />
      }
    >
      <NameDialog
        open={creating}
        onClose={() => setCreating(false)}
        title="Add dashboard"
        label="Title"
        missing="Enter a title for the dashboard."
        onSubmit={async (title) => {
          const d = await dashboardsApi.save({ title, configuration: emptyConfiguration() });
          void navigate(`/dashboards/${d.id.id}?edit=1`);
        }}
        testIds={{ input: 'dashboard-title', submit: 'dashboard-create' }}
      />
    </ListPage>
  );
}
