import { Stack, Typography } from '@mui/material';

/** `[label, value]` pairs shown as "label: value" in one labelled list (what a user reads and a test finds). */
export function Counts({ label, items }: { label: string; items: [string, number][] }) {
  return (
    <Stack direction="row" spacing={3} component="ul" aria-label={label} sx={{ listStyle: 'none', p: 0, m: 0, flexWrap: 'wrap' }}>
      {items.map(([k, v]) => (
        <Typography component="li" key={k}>
          {k}: <b>{v}</b>
        </Typography>
      ))}
    </Stack>
  );
}
