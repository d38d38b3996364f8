import { Box } from '@mui/material';

/** Pretty JSON (or text that is not JSON, as is) in a scrollable monospace block. */
export function JsonView({ value, maxHeight = 400, label }: { value: unknown; maxHeight?: number | string; label?: string }) {
  return (
    <Box
      component="pre"
      aria-label={label}
      sx={{ m: 0, p: 1.5, bgcolor: 'grey.100', borderRadius: 1, fontSize: 12, fontFamily: 'monospace', overflow: 'auto', maxHeight, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}
    >
      {formatJson(value)}
    </Box>
  );
}

export function formatJson(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
}
