import { IconButton, Stack, TextField, Tooltip } from '@mui/material';
import { useEffect, useState, type ReactNode } from 'react';
import type { PageData } from '@bridgeboard/contracts';
import { useDebounced, useLoad, usePageParams, type Loaded, type PageParams } from '../app/hooks';
import { useNotify } from '../app/notify';
import { useConfirm } from './ConfirmDialog';
import { DataTable, type Column } from './DataTable';
import { DeleteIcon } from './icons';
import { EmptyState, ErrorAlert, PageHeader } from './states';

/** What a list page asks the server for: the page, its size, the search text, the sort and the page's filters. */
export interface ListQuery {
  page: number;
  pageSize: number;
  textSearch: string;
  sortProperty: string;
  sortOrder: 'ASC' | 'DESC';
  /** the page's own filters (e.g. type), '' when not set */
  [filter: string]: string | number;
}

export interface ListState<T> extends Loaded<PageData<T>> {
  /** page, size, search, sort and other filters, as they stand in the URL */
  q: PageParams;
  setQ: ReturnType<typeof usePageParams>[1];
}

/**
 * A server-paged list whose state (page, size, search, sort and the named `filters`) is kept in the
 * URL; `load` runs again whenever one of them changes.
 */
export function useList<T>(
  defaults: { sortProperty: string; sortOrder?: 'ASC' | 'DESC'; filters?: string[] },
  load: (query: ListQuery, signal: AbortSignal) => Promise<PageData<T>>,
): ListState<T> {
  const [q, setQ] = usePageParams(defaults);
  const filters = (defaults.filters ?? []).map((k) => [k, q.extra[k] ?? ''] as const);
  const loaded = useLoad(
    (signal) =>
      load(
        {
          page: q.page,
          pageSize: q.pageSize,
          textSearch: q.textSearch,
          sortProperty: q.sortProperty,
          sortOrder: q.sortOrder,
          ...Object.fromEntries(filters),
        },
        signal,
      ),
    [q.page, q.pageSize, q.textSearch, q.sortProperty, q.sortOrder, ...filters.map(([, v]) => v)],
  );
  return { ...loaded, q, setQ };
}

/** Asks before deleting a row, says when it is done (or the API's sentence when not) and reloads the list. */
export function useDeleteRow<T>(
  list: Pick<ListState<T>, 'reload'>,
  d: {
    ask: (row: T) => { title: string; message: string };
    remove: (row: T) => Promise<unknown>;
    done: (row: T) => string;
  },
): (row: T) => Promise<void> {
  const confirm = useConfirm();
  const notify = useNotify();
  return async (row) => {
    if (!(await confirm(d.ask(row)))) return;
    try {
      await d.remove(row);
      notify(d.done(row));
      list.reload();
    } catch (e) {
      notify.error(e);
    }
  };
}

/** The last column of a list: a delete button labelled "Delete <name>" that does not open the row. */
export function deleteColumn<T>(
  name: (row: T) => string,
  onDelete: (row: T) => void,
  opts: { hidden?: (row: T) => boolean; iconSize?: 'small' | 'medium' } = {},
): Column<T> {
  return {
    key: 'actions',
    label: '',
    width: 50,
    render: (row) =>
      opts.hidden?.(row) ? null : (
        <Tooltip title="Delete">
          <IconButton
            size="small"
            aria-label={`Delete ${name(row)}`}
            onClick={(e) => {
              e.stopPropagation();
              onDelete(row);
            }}
          >
            <DeleteIcon fontSize={opts.iconSize} />
          </IconButton>
        </Tooltip>
      ),
  };
}

export interface ListPageProps<T> {
  list: ListState<T>;
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  /** label of the search box */
  searchLabel?: string;
  /** more filters, beside the search box (their values live in the URL too) */
  filters?: ReactNode;
  /** a filter other than the search text is set: an empty list then shows `noMatch` */
  filtered?: boolean;
  'aria-label': string;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  onRowClick?: (row: T) => void;
  /** shown when nothing matches the search or the filters */
  noMatch: { title: string; hint: string };
  /** shown when there is nothing at all: what to do next */
  empty: ReactNode;
  /** dialogs and the like, after the table */
  children?: ReactNode;
}

/** A list page: header, search box (debounced, in the URL), filters, the API's error with a retry, a sortable paged table and its empty states. */
export function ListPage<T>(p: ListPageProps<T>) {
  const { q, setQ } = p.list;
  const [search, setSearch] = useState(q.textSearch);
  const debounced = useDebounced(search);
  useEffect(() => {
    if (debounced !== q.textSearch) setQ({ textSearch: debounced });
  }, [debounced]); // only when the debounced text changes

  return (
    <>
      <PageHeader title={p.title} subtitle={p.subtitle} actions={p.actions} />
      <Stack direction="row" spacing={2} sx={{ mb: 2 }}>
        <TextField
          label={p.searchLabel ?? 'Search by name'}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          sx={{ width: 280 }}
          type="search"
        />
        {p.filters}
      </Stack>
      <ErrorAlert error={p.list.error} onRetry={p.list.reload} />
      <DataTable
        aria-label={p['aria-label']}
        columns={p.columns}
        rows={p.list.data?.data}
        rowKey={p.rowKey}
        loading={p.list.loading}
        onRowClick={p.onRowClick}
        sort={{
          property: q.sortProperty,
          order: q.sortOrder,
          onChange: (sortProperty, sortOrder) => setQ({ sortProperty, sortOrder }),
        }}
        paging={{
          page: q.page,
          pageSize: q.pageSize,
          total: p.list.data?.totalElements ?? 0,
          onChange: (page, pageSize) => setQ({ page, pageSize }),
        }}
        empty={
          q.textSearch || p.filtered ? <EmptyState title={p.noMatch.title} hint={p.noMatch.hint} /> : p.empty
        }
      />
      {p.children}
    </>
  );
}
