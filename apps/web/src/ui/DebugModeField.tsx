import { Checkbox, FormControlLabel, Stack, Switch, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { formatDuration } from './time';

/** Debug mode with the time left before it switches itself off, and "keep on" to pin it. */
export function DebugModeField({
  debugMode,
  pinned,
  until,
  onChange,
}: {
  debugMode: boolean;
  pinned: boolean;
  until?: number | null;
  onChange: (v: { debugMode: boolean; pinned: boolean }) => void;
}) {
  // ticks once a second to redraw; the time left is read from the clock at each render, so a
  // freshly saved debug mode shows its full time, not the time since this field first rendered
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!debugMode || !until) return;
    const t = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [debugMode, until]);
  const left = until ? until - Date.now() : null;
  return (
    <Stack direction="row" sx={{ alignItems: 'center' }} spacing={1}>
      <FormControlLabel control={<Switch checked={debugMode} onChange={(e) => onChange({ debugMode: e.target.checked, pinned })} />} label="Debug mode" />
      {debugMode && (
        <>
          <FormControlLabel control={<Checkbox size="small" checked={pinned} onChange={(e) => onChange({ debugMode, pinned: e.target.checked })} />} label="Keep on" />
          <Typography variant="body2" color={left !== null && left < 120_000 ? 'warning.main' : 'text.secondary'} aria-live="polite">
            {pinned ? 'Stays on until you turn it off — it fills the database.' : left !== null ? (left > 0 ? `Switches off in ${formatDuration(left)}` : 'Switching off…') : 'Switches itself off after a while; save to start the clock.'}
          </Typography>
        </>
      )}
    </Stack>
  );
}
