import {
  Alert,
  Box,
  CircularProgress,
  Table,
  TableBody,
  TableCell,
  TableRow,
  Typography,
} from '@mui/material';
import { formatTime } from '../../ui/time';
import { formatValue, useLatestValues } from '../telemetry';
import type { WidgetProps } from '../types';

export interface LatestValuesSettings extends Record<string, unknown> {
  decimals: number;
  showTimestamp: boolean;
}

/** Latest values card: one row per key, kept current live. */
export function LatestValues({ settings: s, device, dataKeys }: WidgetProps<LatestValuesSettings>) {
  const { values, loading, error } = useLatestValues(
    device?.id ?? null,
    dataKeys.map((k) => k.name),
  );
  if (!device)
    return <Typography color="text.secondary">Pick an entity alias in the widget's data source.</Typography>;
  if (loading) return <CircularProgress size={20} aria-label="Loading values" />;
  if (error) return <Alert severity="error">{error}</Alert>;
  const labels = new Map(dataKeys.map((k) => [k.name, k.label || k.name]));
  const keys = dataKeys.length ? dataKeys.map((k) => k.name) : Object.keys(values).sort();
  if (!keys.length)
    return <Typography color="text.secondary">{device.name} has no telemetry yet.</Typography>;
  const decimals =
    s.decimals === undefined || s.decimals === null || (s.decimals as unknown) === ''
      ? undefined
      : Number(s.decimals);
  return (
    <Box sx={{ overflow: 'auto', height: '100%' }}>
      <Table size="small">
        <TableBody>
          {keys.map((k) => (
            <TableRow key={k} data-testid={`latest-${k}`}>
              <TableCell sx={{ color: 'text.secondary' }}>{labels.get(k) ?? k}</TableCell>
              <TableCell sx={{ fontSize: 18, fontWeight: 500 }}>
                {formatValue(values[k]?.value, decimals)}
              </TableCell>
              {s.showTimestamp && (
                <TableCell sx={{ color: 'text.secondary', fontSize: 11 }}>
                  {formatTime(values[k]?.ts)}
                </TableCell>
              )}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}
