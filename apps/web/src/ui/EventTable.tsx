import { Box, Button, Chip, Dialog, DialogActions, DialogContent, DialogTitle, Stack, Typography } from '@mui/material';
import { useState, type ReactNode } from 'react';
import type { DebugEvent, EntityType, PageData } from '@bridgeboard/contracts';
import { api } from '../app/api';
import { useLoad, useSocket } from '../app/hooks';
import { useNotify } from '../app/notify';
import { useConfirm } from './ConfirmDialog';
import { DataTable, type Column } from './DataTable';
import { JsonView } from './JsonView';
import { EmptyState, ErrorAlert } from './states';
import { TraceDialog } from './TraceTimeline';
import { formatTime } from './time';

const ROOM: Partial<Record<EntityType, string>> = { CONVERTER: 'converter', INTEGRATION: 'integration', RULE_NODE: 'rulenode', DEVICE: 'device' };

const short = (v: unknown): string => {
  if (v === undefined || v === null || v === '') return '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
};
/**
 * One line, cut with an ellipsis at the column's edge (the whole value is in the row's dialog and
 * the tooltip): JSON broken in the middle of a key or a number reads as something else.
 */
export const eventCell = (v: unknown) => (
  <Typography
    component="span"
    title={v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v)}
    sx={{ display: 'block', maxWidth: 360, fontFamily: 'monospace', fontSize: 12, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}
  >
    {short(v)}
  </Typography>
);
const cell = eventCell;

/** What kind of event a row is; a status event says which status, so it is no blank row. */
const kind = (e: DebugEvent) => {
  const b = e.body as { type?: string; status?: string };
  return b.type === 'Status' && b.status ? `Status: ${b.status}` : String(b.type ?? e.type);
};

/** The default columns: time, In, Out, Metadata, Error (converters and integrations). */
export const defaultEventColumns: Column<DebugEvent>[] = [
  { key: 'time', label: 'Time', width: 170, render: (e) => formatTime(e.createdTime) },
  { key: 'kind', label: 'Type', width: 150, render: (e) => kind(e) },
  { key: 'in', label: 'In', render: (e) => cell(e.body.in) },
  { key: 'out', label: 'Out', render: (e) => cell(e.body.out) },
  { key: 'metadata', label: 'Metadata', render: (e) => cell(e.body.metadata) },
  { key: 'error', label: 'Error', render: (e) => (e.body.error ? <Chip size="small" color="error" label={short(e.body.error)} /> : '') },
];

export interface EventTableProps {
  entityType: EntityType;
  entityId: string;
  columns?: Column<DebugEvent>[];
  /** what to tell the user when there are no events yet */
  emptyHint?: ReactNode;
  /** extra query parameters of GET /api/events (e.g. msgType) */
  query?: Record<string, string>;
  /** controls shown beside Reload (e.g. a message type filter) */
  filters?: ReactNode;
}

/**
 * Debug events of one entity: paged from GET /api/events/{type}/{id}, new ones arrive live
 * (socket `debugEvent` in the entity's room), a row opens its full JSON, "Clear events" deletes them.
 */
export function EventTable({ entityType, entityId, columns = defaultEventColumns, emptyHint, query, filters }: EventTableProps) {
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(20);
  const [open, setOpen] = useState<DebugEvent | null>(null);
  const [trace, setTrace] = useState<string | null>(null);
  const [newCount, setNewCount] = useState(0);
  const confirm = useConfirm();
  const notify = useNotify();
  const queryKey = JSON.stringify(query ?? {});
  const events = useLoad(
    (signal) => api.get<PageData<DebugEvent>>(`/api/events/${entityType}/${entityId}`, { ...query, page, pageSize }, signal),
    [entityType, entityId, page, pageSize, queryKey],
  );
  const matches = (e: DebugEvent) => Object.entries(query ?? {}).every(([k, v]) => (e.body as Record<string, unknown>)[k] === v);

  const room = ROOM[entityType] ? `${ROOM[entityType]}:${entityId}` : null;
  useSocket(room, (ev, payload) => {
    if (ev === 'subscribed' && page === 0) return events.reload();
    if (ev !== 'debugEvent') return;
    const e = (payload as { event?: DebugEvent }).event;
    if (!e || !matches(e)) return;
    if (page !== 0) return setNewCount((n) => n + 1);
    events.setData((d) => d && { ...d, data: [e, ...d.data.filter((x) => x.id !== e.id)].slice(0, pageSize), totalElements: d.totalElements + 1 });
  });

  const clear = async () => {
    if (!(await confirm({ title: 'Clear all events?', message: 'The debug events of this entity are deleted for good.', confirmText: 'Clear events' }))) return;
    try {
      await api.delete(`/api/events/${entityType}/${entityId}`);
      notify('Events cleared');
      setPage(0);
      events.reload();
    } catch (e) {
      notify.error(e);
    }
  };

  return (
    <Box>
      <Stack direction="row" spacing={1} sx={{ mb: 1, alignItems: 'center' }}>
        <Typography color="text.secondary" sx={{ flex: 1 }}>
          {events.data ? `${events.data.totalElements} events, newest first` : ' '}
        </Typography>
        {newCount > 0 && (
          <Chip
            color="info"
            label={`${newCount} new — show`}
            onClick={() => {
              setNewCount(0);
              setPage(0);
              events.reload();
            }}
          />
        )}
        {filters}
        <Button onClick={events.reload}>Reload</Button>
        <Button color="error" onClick={clear} disabled={!events.data?.totalElements}>
          Clear events
        </Button>
      </Stack>
      <ErrorAlert error={events.error} onRetry={events.reload} />
      <DataTable
        aria-label="Events"
        columns={columns}
        rows={events.data?.data}
        rowKey={(e) => e.id}
        loading={events.loading}
        onRowClick={setOpen}
        rowSx={(e) => (e.body.error ? { bgcolor: 'rgba(211,47,47,0.06)' } : undefined)}
        empty={<EmptyState title="No events yet" hint={typeof emptyHint === 'string' ? emptyHint : undefined} action={typeof emptyHint === 'string' ? undefined : emptyHint} />}
        paging={{ page, pageSize, total: events.data?.totalElements ?? 0, onChange: (p, s) => (setPage(p), setPageSize(s)) }}
      />
      <Dialog open={!!open} onClose={() => setOpen(null)} maxWidth="md" fullWidth>
        <DialogTitle>Event at {open && formatTime(open.createdTime)}</DialogTitle>
        <DialogContent>{open && <EventDetails event={open} />}</DialogContent>
        <DialogActions>
          {open?.traceId && (
            <Button
              onClick={() => {
                setTrace(open.traceId!);
                setOpen(null);
              }}
            >
              Show message journey
            </Button>
          )}
          <Button onClick={() => setOpen(null)} autoFocus>
            Close
          </Button>
        </DialogActions>
      </Dialog>
      <TraceDialog traceId={trace} onClose={() => setTrace(null)} />
    </Box>
  );
}

function EventDetails({ event }: { event: DebugEvent }) {
  const { in: input, out, metadata, error, ...rest } = event.body;
  const part = (title: string, v: unknown) =>
    v !== undefined && v !== '' && v !== null ? (
      <Box sx={{ mb: 2 }}>
        <Typography variant="subtitle2">{title}</Typography>
        <JsonView value={v} maxHeight={260} label={title} />
      </Box>
    ) : null;
  return (
    <>
      {error && part('Error', error)}
      {part('In', input)}
      {part('Out', out)}
      {part('Metadata', metadata)}
      {Object.keys(rest).length > 0 && part('Other', rest)}
      {part('Full event', event)}
    </>
  );
}
