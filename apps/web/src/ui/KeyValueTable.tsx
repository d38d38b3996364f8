import { Button, IconButton, Stack, TextField, Tooltip } from '@mui/material';

export type Pairs = [string, string][];

export const toPairs = (m: Record<string, string> | undefined | null): Pairs => Object.entries(m ?? {}).map(([k, v]) => [k, String(v)]);
export const fromPairs = (p: Pairs): Record<string, string> => Object.fromEntries(p.filter(([k]) => k.trim() !== '').map(([k, v]) => [k.trim(), v]));

/** An editable key/value list (message metadata, integration metadata). */
export function KeyValueTable({ value, onChange, label = 'Metadata', addLabel = 'Add' }: { value: Pairs; onChange: (p: Pairs) => void; label?: string; addLabel?: string }) {
  const set = (i: number, col: 0 | 1, v: string) => onChange(value.map((row, j) => (j === i ? ((col === 0 ? [v, row[1]] : [row[0], v]) as [string, string]) : row)));
  return (
    <Stack spacing={1} role="group" aria-label={label}>
      {value.map(([k, v], i) => (
        <Stack direction="row" spacing={1} key={i} sx={{ alignItems: 'center' }}>
          <TextField label="Key" value={k} onChange={(e) => set(i, 0, e.target.value)} sx={{ flex: 2 }} slotProps={{ htmlInput: { 'aria-label': `${label} key ${i + 1}` } }} />
          <TextField label="Value" value={v} onChange={(e) => set(i, 1, e.target.value)} sx={{ flex: 3 }} slotProps={{ htmlInput: { 'aria-label': `${label} value ${i + 1}` } }} />
          <Tooltip title="Remove">
            <IconButton aria-label={`Remove ${k || 'row'}`} onClick={() => onChange(value.filter((_, j) => j !== i))} size="small">
              ✕
            </IconButton>
          </Tooltip>
        </Stack>
      ))}
      <div>
        <Button size="small" onClick={() => onChange([...value, ['', '']])}>
          + {addLabel}
        </Button>
      </div>
    </Stack>
  );
}
