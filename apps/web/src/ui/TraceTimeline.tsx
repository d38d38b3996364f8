import {
  Box,
  Button,
  Chip,
  Collapse,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Stack,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import type { DebugEvent, LivePushDebugEventBody } from '@bridgeboard/contracts';
import { api } from '../app/api';
import { useLoad } from '../app/hooks';
import { JsonView } from './JsonView';
import { EmptyState, ErrorAlert, Loading } from './states';
import { formatTime } from './time';

export interface Trace {
  traceId: string;
  events: DebugEvent[];
}

export const traceApi = {
  get: (traceId: string, signal?: AbortSignal) =>
    api.get<Trace>(`/api/events/trace/${traceId}`, undefined, signal),
};

const WHO: Record<string, string> = {
  INTEGRATION: 'Integration',
  CONVERTER: 'Converter',
  RULE_NODE: 'Rule node',
  DEVICE: 'RPC',
};

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** A live push (DEBUG_LIVE): what went out and to how many browsers of the node that sent it. */
function livePush(b: LivePushDebugEventBody): string {
  const here = b.sockets ? `${plural(b.sockets, 'socket')} on this node` : 'no browser watching on this node';
  const elsewhere = b.otherNodes ? ` · passed to ${plural(b.otherNodes, 'other node')}` : '';
  return `${b.event} (${b.keys.join(', ')}) → ${here}${elsewhere}`;
}

/** One step of a journey in words: who, and what happened there. */
export function describeStep(e: DebugEvent): { who: string; what: string } {
  const b = e.body as Record<string, unknown>;
  const who = WHO[e.entityId.entityType] ?? e.entityId.entityType;
  switch (e.entityId.entityType) {
    case 'INTEGRATION':
      return { who, what: [b.type, b.status, b.topic].filter(Boolean).join(' · ') };
    case 'CONVERTER':
      return {
        who,
        what: b.error
          ? 'decoding failed'
          : String(
              (b.metadata as Record<string, string> | undefined)?.msgType
                ? 'encoded the downlink'
                : 'decoded the payload',
            ),
      };
    case 'RULE_NODE':
      return {
        who,
        what: [
          b.type === 'IN' ? 'in' : `out${b.relationType ? ` → ${String(b.relationType)}` : ''}`,
          b.msgType,
        ]
          .filter(Boolean)
          .join(' · '),
      };
    case 'DEVICE':
      if (b.type === 'LIVE') return { who: 'Live push', what: livePush(e.body as unknown as LivePushDebugEventBody) };
      return { who, what: [b.stage, b.method].filter(Boolean).join(' · ') };
    default:
      return { who, what: String(b.type ?? e.type) };
  }
}

/** The events of one message (an uplink or an RPC) in the order they happened, each opening its JSON. */
export function TraceTimeline({ trace }: { trace: Trace }) {
  const [open, setOpen] = useState<string | null>(null);
  if (!trace.events.length)
    return (
      <EmptyState
        title="Nothing recorded for this trace"
        hint="Only what debug mode keeps is traced: switch it on for the integration, its converter and the rule nodes, then send the message again."
      />
    );
  const t0 = trace.events[0]!.createdTime;
  return (
    <Box component="ol" aria-label="Message journey" sx={{ listStyle: 'none', m: 0, p: 0 }}>
      {trace.events.map((e, k) => {
        const { who, what } = describeStep(e);
        const error = e.body.error ? String(e.body.error) : '';
        return (
          <Box component="li" key={e.id} sx={{ display: 'flex', gap: 1.5 }}>
            <Box sx={{ display: 'flex', flexDirection: 'column', alignItems: 'center', pt: 0.75 }}>
              <Box
                sx={{
                  width: 10,
                  height: 10,
                  borderRadius: '50%',
                  bgcolor: error ? 'error.main' : 'primary.main',
                }}
              />
              {k < trace.events.length - 1 && <Box sx={{ flex: 1, width: 2, bgcolor: 'divider', my: 0.5 }} />}
            </Box>
            <Box sx={{ flex: 1, minWidth: 0, pb: 1.5 }}>
              <Stack
                direction="row"
                spacing={1}
                sx={{ alignItems: 'baseline', cursor: 'pointer' }}
                onClick={() => setOpen(open === e.id ? null : e.id)}
              >
                <Typography
                  variant="body2"
                  color="text.secondary"
                  sx={{ width: 72, flexShrink: 0, fontFamily: 'monospace' }}
                  title={formatTime(e.createdTime)}
                >
                  +{e.createdTime - t0} ms
                </Typography>
                <Typography variant="body2" sx={{ fontWeight: 600 }}>
                  {who}
                </Typography>
                <Typography variant="body2">{what}</Typography>
                {error && (
                  <Chip
                    size="small"
                    color="error"
                    label={error.length > 80 ? `${error.slice(0, 80)}…` : error}
                  />
                )}
              </Stack>
              <Collapse in={open === e.id} unmountOnExit>
                <JsonView value={e} maxHeight={240} label="Event" />
              </Collapse>
            </Box>
          </Box>
        );
      })}
    </Box>
  );
}

/** A dialog that loads one trace and shows its timeline. */
export function TraceDialog({ traceId, onClose }: { traceId: string | null; onClose: () => void }) {
  const trace = useLoad(
    (signal) => (traceId ? traceApi.get(traceId, signal) : Promise.resolve(undefined)),
    [traceId],
  );
  return (
    <Dialog open={!!traceId} onClose={onClose} maxWidth="md" fullWidth aria-label="Message journey">
      <DialogTitle>Message journey</DialogTitle>
      <DialogContent>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2, fontFamily: 'monospace' }}>
          trace {traceId}
        </Typography>
        <ErrorAlert error={trace.error} onRetry={trace.reload} />
        {trace.loading && !trace.data ? <Loading /> : trace.data && <TraceTimeline trace={trace.data} />}
      </DialogContent>
      <DialogActions>
        <Button onClick={trace.reload}>Reload</Button>
        <Button onClick={onClose} autoFocus>
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}
