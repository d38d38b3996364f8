import { Box } from '@mui/material';
import { useMemo } from 'react';
import type { TsData } from './devices.api';

const COLORS = ['#1976d2', '#d32f2f', '#388e3c', '#f57c00', '#7b1fa2', '#0097a7', '#5d4037'];
const W = 1000;
const H = 320;
const PAD = { l: 56, r: 16, t: 12, b: 28 };

function ticks(min: number, max: number, n: number): number[] {
  if (min === max) return [min];
  const step = (max - min) / n;
  return Array.from({ length: n + 1 }, (_, i) => min + i * step);
}
const fmtTime = (ts: number, span: number) => {
  const d = new Date(ts);
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  return span > 86400000 ? `${d.getMonth() + 1}/${d.getDate()} ${hm}` : span < 600000 ? `${hm}:${String(d.getSeconds()).padStart(2, '0')}` : hm;
};

/** A light line chart in SVG: one line per key, numeric values only, time on x. */
export function TimeSeriesChart({ data, startTs, endTs }: { data: TsData; startTs: number; endTs: number }) {
  const series = useMemo(
    () =>
      Object.entries(data).map(([key, pts]) => ({
        key,
        pts: pts.map((p) => ({ ts: p.ts, v: typeof p.value === 'number' ? p.value : Number(p.value) })).filter((p) => Number.isFinite(p.v)).sort((a, b) => a.ts - b.ts),
      })),
    [data],
  );
  const all = series.flatMap((s) => s.pts.map((p) => p.v));
  let min = all.length ? Math.min(...all) : 0;
  let max = all.length ? Math.max(...all) : 1;
  if (min === max) [min, max] = [min - 1, max + 1];
  const span = Math.max(1, endTs - startTs);
  const x = (ts: number) => PAD.l + ((ts - startTs) / span) * (W - PAD.l - PAD.r);
  const y = (v: number) => PAD.t + (1 - (v - min) / (max - min)) * (H - PAD.t - PAD.b);

  return (
    <Box>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label="Telemetry chart" style={{ background: '#fff' }}>
        {ticks(min, max, 4).map((v) => (
          <g key={`y${v}`}>
            <line x1={PAD.l} x2={W - PAD.r} y1={y(v)} y2={y(v)} stroke="#eee" />
            <text x={PAD.l - 6} y={y(v) + 4} fontSize="11" textAnchor="end" fill="#666">
              {Number(v.toPrecision(4))}
            </text>
          </g>
        ))}
        {ticks(startTs, endTs, 6).map((t) => (
          <text key={`x${t}`} x={x(t)} y={H - 8} fontSize="11" textAnchor="middle" fill="#666">
            {fmtTime(t, span)}
          </text>
        ))}
        {series.map((s, i) => (
          <g key={s.key}>
            <polyline fill="none" stroke={COLORS[i % COLORS.length]} strokeWidth={2} points={s.pts.map((p) => `${x(p.ts)},${y(p.v)}`).join(' ')} />
            {s.pts.length < 60 && s.pts.map((p) => <circle key={p.ts} cx={x(p.ts)} cy={y(p.v)} r={2.5} fill={COLORS[i % COLORS.length]} />)}
          </g>
        ))}
      </svg>
      <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap', mt: 1 }}>
        {series.map((s, i) => (
          <Box key={s.key} sx={{ display: 'flex', alignItems: 'center', gap: 0.5 }}>
            <Box sx={{ width: 12, height: 3, bgcolor: COLORS[i % COLORS.length] }} />
            {s.key} ({s.pts.length})
          </Box>
        ))}
      </Box>
    </Box>
  );
}
