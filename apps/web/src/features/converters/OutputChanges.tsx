import { Box, Typography } from '@mui/material';
import { outputChanges } from './outputDiff';

const MAX = 12;

/** The keys a new decode changes, one line each: `path: before → after` (both outputs present). */
export function OutputChanges({ before, after, label }: { before: unknown; after: unknown; label?: string }) {
  const changes = outputChanges(before, after);
  if (!changes.length)
    return (
      <Typography variant="body2" color="text.secondary">
        no change
      </Typography>
    );
  return (
    <Box component="ul" aria-label={label} sx={{ m: 0, pl: 2, fontFamily: 'monospace', fontSize: 12, wordBreak: 'break-all' }}>
      {changes.slice(0, MAX).map((c) => (
        <li key={c.path}>
          {c.path}:{' '}
          <Box component="span" sx={{ color: 'error.main', textDecoration: c.after === undefined ? 'line-through' : undefined }}>
            {c.before ?? '—'}
          </Box>
          {' → '}
          <Box component="span" sx={{ color: 'success.dark' }}>
            {c.after ?? '—'}
          </Box>
        </li>
      ))}
      {changes.length > MAX && <li>… {changes.length - MAX} more</li>}
    </Box>
  );
}
