import { Chip, MenuItem, TextField } from '@mui/material';
import { useState } from 'react';
import { msgTypes, type DebugEvent } from '@bridgeboard/contracts';
import type { Column } from '../../ui/DataTable';
import { eventCell, EventTable } from '../../ui/EventTable';
import { formatTime } from '../../ui/time';

const short = (v: unknown) => {
  if (v === undefined || v === null || v === '') return '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
};
const mono = eventCell;

/** Columns of a rule node's debug events (body: type IN/OUT, msgType, relationType, data, metadata, error). */
const columns: Column<DebugEvent>[] = [
  { key: 'time', label: 'Time', width: 160, render: (e) => formatTime(e.createdTime) },
  {
    key: 'type',
    label: 'Type',
    width: 60,
    render: (e) => (
      <Chip
        size="small"
        label={String(e.body.type ?? '')}
        color={e.body.type === 'IN' ? 'default' : 'primary'}
      />
    ),
  },
  { key: 'msgType', label: 'Message type', render: (e) => mono(e.body.msgType) },
  { key: 'relation', label: 'Relation', render: (e) => String(e.body.relationType ?? '') },
  { key: 'data', label: 'Data', render: (e) => mono(e.body.data) },
  { key: 'metadata', label: 'Metadata', render: (e) => mono(e.body.metadata) },
  {
    key: 'error',
    label: 'Error',
    render: (e) => (e.body.error ? <Chip size="small" color="error" label={short(e.body.error)} /> : ''),
  },
];

/** A node's In/Out messages, live while its debug mode is on. */
export function NodeEvents({ nodeId, debugMode }: { nodeId: string; debugMode: boolean }) {
  const [msgType, setMsgType] = useState('');
  return (
    <EventTable
      entityType="RULE_NODE"
      entityId={nodeId}
      columns={columns}
      query={msgType ? { msgType } : undefined}
      filters={
        <TextField
          select
          size="small"
          label="Message type"
          value={msgType}
          onChange={(e) => setMsgType(e.target.value)}
          sx={{ minWidth: 240 }}
        >
          <MenuItem value="">All message types</MenuItem>
          {Object.values(msgTypes).map((t) => (
            <MenuItem key={t} value={t}>
              {t}
            </MenuItem>
          ))}
        </TextField>
      }
      emptyHint={
        debugMode
          ? 'Debug mode is on: messages through this node appear here as they pass.'
          : 'Turn on debug mode (and save the rule chain) to record the messages that pass through this node.'
      }
    />
  );
}
