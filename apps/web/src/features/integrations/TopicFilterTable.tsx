import { Button, IconButton, MenuItem, Stack, TextField, Tooltip } from '@mui/material';
import { topicFilterProblem } from './integrations.api';

export interface TopicFilter {
  filter: string;
  qos: number;
}

const QOS = [
  { v: 0, label: '0 — At most once' },
  { v: 1, label: '1 — At least once' },
  { v: 2, label: '2 — Exactly once' },
];

/** The integration's subscriptions: one row per filter with its QoS; problems show under the field. */
export function TopicFilterTable({ value, onChange, errors = {} }: { value: TopicFilter[]; onChange: (v: TopicFilter[]) => void; errors?: Record<number, string> }) {
  const set = (i: number, p: Partial<TopicFilter>) => onChange(value.map((r, j) => (j === i ? { ...r, ...p } : r)));
  return (
    <Stack spacing={1} role="group" aria-label="Topic filters">
      {value.map((r, i) => {
        const problem = errors[i] ?? (r.filter ? topicFilterProblem(r.filter) : null);
        return (
          <Stack direction="row" spacing={1} key={i} sx={{ alignItems: 'flex-start' }}>
            <TextField
              label="Topic filter"
              value={r.filter}
              // wraps instead of hiding the end of a long filter; a topic has no line breaks
              multiline
              onChange={(e) => set(i, { filter: e.target.value.replace(/[\r\n]+/g, '') })}
              sx={{ flex: 1 }}
              error={!!problem}
              helperText={problem ?? ' '}
              slotProps={{ htmlInput: { 'aria-label': `Topic filter ${i + 1}` } }}
            />
            <TextField select label="QoS" value={r.qos} onChange={(e) => set(i, { qos: Number(e.target.value) })} sx={{ width: 190 }} slotProps={{ htmlInput: { 'aria-label': `QoS of topic filter ${i + 1}` } }}>
              {QOS.map((q) => (
                <MenuItem key={q.v} value={q.v}>
                  {q.label}
                </MenuItem>
              ))}
            </TextField>
            <Tooltip title="Remove">
              <span>
                <IconButton aria-label={`Remove topic filter ${i + 1}`} onClick={() => onChange(value.filter((_, j) => j !== i))} disabled={value.length === 1} sx={{ mt: 0.5 }}>
                  ✕
                </IconButton>
              </span>
            </Tooltip>
          </Stack>
        );
      })}
      <div>
        <Button size="small" onClick={() => onChange([...value, { filter: '', qos: 0 }])}>
          + Add topic filter
        </Button>
      </div>
    </Stack>
  );
}
