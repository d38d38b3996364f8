import { Alert, Box, CircularProgress, Stack, Typography } from '@mui/material';
import { useEffect, useRef, useState } from 'react';
import { useTimeseries, type TsPoint } from '../telemetry';
import type { WidgetProps } from '../types';

export interface ChartSettings extends Record<string, unknown> {
  timeWindowMinutes: number;
  showPoints: boolean;
}

const COLORS = ['#305680', '#e07b39', '#3f9b5a', '#b4436c', '#7a5cc2', '#c2a23d'];
const PAD = { left: 44, right: 8, top: 8, bottom: 20 };

function useSize<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [size, setSize] = useState({ width: 400, height: 200 });
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(
      ([e]) =>
        e &&
        setSize({ width: Math.max(120, e.contentRect.width), height: Math.max(80, e.contentRect.height) }),
    );
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, size] as const;
}

const num = (p: TsPoint) =>
  typeof p.value === 'number' ? p.value : typeof p.value === 'boolean' ? Number(p.value) : Number(p.value);
const hhmm = (ts: number) =>
  new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** Time series chart: a light SVG line chart of the last minutes, extended live. */
export function TimeseriesChart({ settings: s, device, dataKeys }: WidgetProps<ChartSettings>) {
  const windowMs = Math.max(1, Number(s.timeWindowMinutes) || 15) * 60_000;
  const { series, loading, error } = useTimeseries(
    device?.id ?? null,
    dataKeys.map((k) => k.name),
    windowMs,
  );
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(t);
  }, []);
  const [ref, { width, height }] = useSize<HTMLDivElement>();

  if (!device)
    return <Typography color="text.secondary">Pick an entity alias in the widget's data source.</Typography>;
  if (loading) return <CircularProgress size={20} aria-label="Loading chart" />;
  if (error) return <Alert severity="error">{error}</Alert>;
  const entries = Object.entries(series)
    .map(([k, pts]) => [k, pts.filter((p) => Number.isFinite(num(p)))] as const)
    .filter(([, pts]) => pts.length > 0);
  const labels = new Map(dataKeys.map((k) => [k.name, k.label || k.name]));

  const from = now - windowMs;
  const all = entries.flatMap(([, pts]) => pts.map(num));
  let lo = all.length ? Math.min(...all) : 0;
  let hi = all.length ? Math.max(...all) : 1;
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  const w = width - PAD.left - PAD.right;
  const h = Math.max(20, height - 24 - PAD.top - PAD.bottom);
  const x = (ts: number) => PAD.left + ((ts - from) / windowMs) * w;
  const y = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * h;
  const ticks = [lo, (lo + hi) / 2, hi];

  return (
    <Stack sx={{ height: '100%', minHeight: 0 }}>
      <Stack direction="row" spacing={1.5} sx={{ flexWrap: 'wrap', minHeight: 24 }}>
        {entries.map(([k], i) => (
          <Typography key={k} variant="caption" sx={{ color: COLORS[i % COLORS.length] }}>
            ● {labels.get(k) ?? k}
          </Typography>
        ))}
        {!entries.length && (
          <Typography variant="caption" color="text.secondary">
            No data in the last {Math.round(windowMs / 60000)} minutes; new values appear here live.
          </Typography>
        )}
      </Stack>
      <Box ref={ref} sx={{ flex: 1, minHeight: 0 }}>
        <svg width={width} height={h + PAD.top + PAD.bottom} role="img" aria-label="Time series chart">
          {ticks.map((t) => (
            <g key={t}>
              <line x1={PAD.left} x2={PAD.left + w} y1={y(t)} y2={y(t)} stroke="#e3e8ee" />
              <text x={PAD.left - 4} y={y(t) + 3} fontSize={10} textAnchor="end" fill="#777">
                {Math.abs(t) >= 100 ? t.toFixed(0) : t.toFixed(1)}
              </text>
            </g>
          ))}
          <text x={PAD.left} y={h + PAD.top + 14} fontSize={10} fill="#777">
            {hhmm(from)}
          </text>
          <text x={PAD.left + w} y={h + PAD.top + 14} fontSize={10} fill="#777" textAnchor="end">
            {hhmm(now)}
          </text>
          {entries.map(([k, pts], i) => (
            <g key={k} stroke={COLORS[i % COLORS.length]} fill={COLORS[i % COLORS.length]}>
              <polyline
                fill="none"
                strokeWidth={1.5}
                points={pts.map((p) => `${x(p.ts).toFixed(1)},${y(num(p)).toFixed(1)}`).join(' ')}
              />
              {(s.showPoints || pts.length < 2) &&
                pts.map((p) => <circle key={p.ts} cx={x(p.ts)} cy={y(num(p))} r={2} />)}
            </g>
          ))}
        </svg>
      </Box>
    </Stack>
  );
}
