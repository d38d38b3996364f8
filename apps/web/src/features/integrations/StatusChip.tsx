import { Chip, Tooltip } from '@mui/material';
import type { IntegrationStatus } from './integrations.api';

export type StatusChipProps = { status: IntegrationStatus['status'] | string | null | undefined; enabled?: boolean; lastError?: string | null };

/** The connection state as Node-RED shows it: CONNECTED, CONNECTING, DISCONNECTED, SILENT (no uplink for longer than expected) or ERROR: <why>. */
export function StatusChip({ status, enabled = true, lastError }: StatusChipProps) {
  if (!enabled) return <Chip size="small" label="DISABLED" variant="outlined" />;
  const s = status ?? 'DISCONNECTED';
  const isError = s.startsWith('ERROR');
  const color = s === 'CONNECTED' ? 'success' : s === 'CONNECTING' ? 'info' : s === 'SILENT' ? 'warning' : isError ? 'error' : 'default';
  // the whole reason, wrapped over as many lines as it needs: the part cut off was the useful one
  const tip = isError
    ? s
    : s === 'CONNECTING'
      ? 'Connecting to the broker…'
      : (s === 'DISCONNECTED' || s === 'SILENT') && lastError
        ? `Last error: ${lastError}`
        : s;
  return (
    <Tooltip title={tip}>
      <Chip
        size="small"
        color={color}
        label={s}
        data-status={isError ? 'ERROR' : s}
        aria-label={`Status: ${s}`}
        sx={{ height: 'auto', maxWidth: '100%', '& .MuiChip-label': { whiteSpace: 'normal', overflowWrap: 'anywhere', py: 0.25 } }}
      />
    </Tooltip>
  );
}
