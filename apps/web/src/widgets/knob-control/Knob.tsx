import { Box } from '@mui/material';
import { useRef, type KeyboardEvent, type PointerEvent } from 'react';

/** The dial turns through 270°, from 7:30 (min) clockwise to 4:30 (max). */
const SWEEP = 135;

export interface KnobProps {
  value: number;
  min: number;
  max: number;
  digits: number;
  disabled?: boolean;
  label: string;
  onChange(value: number): void;
  /** the user let go (pointer up); keyboard changes are complete at once */
  onRelease?(): void;
}

export function roundTo(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
export const clampRound = (v: number, min: number, max: number, digits: number): number =>
  Math.min(max, Math.max(min, roundTo(v, digits)));

/** Angle of a point from the dial's centre, in degrees clockwise from 12 o'clock (-180..180). */
function angleOf(x: number, y: number, cx: number, cy: number): number {
  return (Math.atan2(x - cx, cy - y) * 180) / Math.PI;
}

/** A rotary control: drag around it with the mouse or use the arrow keys (Page Up/Down, Home/End). */
export function Knob({ value, min, max, digits, disabled, label, onChange, onRelease }: KnobProps) {
  const ref = useRef<SVGSVGElement>(null);
  const dragging = useRef(false);
  const range = max - min || 1;
  const frac = Math.min(1, Math.max(0, (value - min) / range));
  const angle = -SWEEP + frac * 2 * SWEEP;

  const fromPointer = (e: PointerEvent<SVGSVGElement>) => {
    const r = ref.current!.getBoundingClientRect();
    let a = angleOf(e.clientX, e.clientY, r.left + r.width / 2, r.top + r.height / 2);
    // in the dead zone at the bottom stay at the end we came from instead of jumping across
    if (Math.abs(a) > SWEEP) a = frac > 0.5 ? SWEEP : -SWEEP;
    const next = clampRound(min + ((a + SWEEP) / (2 * SWEEP)) * range, min, max, digits);
    if (next !== value) onChange(next);
  };

  const step = 10 ** -digits;
  const onKeyDown = (e: KeyboardEvent) => {
    const page = Math.max(step, roundTo(range / 10, digits));
    const moves: Record<string, number> = {
      ArrowUp: value + step,
      ArrowRight: value + step,
      ArrowDown: value - step,
      ArrowLeft: value - step,
      PageUp: value + page,
      PageDown: value - page,
      Home: min,
      End: max,
    };
    if (disabled || !(e.key in moves)) return;
    e.preventDefault();
    const next = clampRound(moves[e.key]!, min, max, digits);
    if (next !== value) onChange(next);
  };

  const rad = (d: number) => ((d - 90) * Math.PI) / 180;
  const arc = (from: number, to: number, r: number) => {
    const [x1, y1, x2, y2] = [
      50 + r * Math.cos(rad(from)),
      50 + r * Math.sin(rad(from)),
      50 + r * Math.cos(rad(to)),
      50 + r * Math.sin(rad(to)),
    ];
    return `M ${x1} ${y1} A ${r} ${r} 0 ${to - from > 180 ? 1 : 0} 1 ${x2} ${y2}`;
  };

  return (
    <Box
      component="svg"
      ref={ref}
      viewBox="0 0 100 100"
      role="slider"
      tabIndex={disabled ? -1 : 0}
      aria-label={label}
      aria-valuemin={min}
      aria-valuemax={max}
      aria-valuenow={value}
      aria-valuetext={value.toFixed(digits)}
      aria-disabled={disabled || undefined}
      data-testid="knob"
      onKeyDown={onKeyDown}
      onPointerDown={(e: PointerEvent<SVGSVGElement>) => {
        if (disabled) return;
        dragging.current = true;
        ref.current?.setPointerCapture?.(e.pointerId);
        ref.current?.focus();
        fromPointer(e);
      }}
      onPointerMove={(e: PointerEvent<SVGSVGElement>) => dragging.current && fromPointer(e)}
      onPointerUp={(e: PointerEvent<SVGSVGElement>) => {
        if (!dragging.current) return;
        dragging.current = false;
        ref.current?.releasePointerCapture?.(e.pointerId);
        onRelease?.();
      }}
      sx={{
        width: '100%',
        height: '100%',
        maxHeight: 220,
        touchAction: 'none',
        // dragging across the dial must not select its number as text
        userSelect: 'none',
        WebkitUserSelect: 'none',
        cursor: disabled ? 'default' : 'grab',
        outline: 'none',
        opacity: disabled ? 0.6 : 1,
        '&:focus-visible circle.knob-face': { stroke: '#1976d2', strokeWidth: 2 },
      }}
    >
      <path d={arc(-SWEEP, SWEEP, 44)} stroke="#dde3ea" strokeWidth={6} fill="none" strokeLinecap="round" />
      {frac > 0.001 && (
        <path d={arc(-SWEEP, angle, 44)} stroke="#305680" strokeWidth={6} fill="none" strokeLinecap="round" />
      )}
      <circle className="knob-face" cx={50} cy={50} r={34} fill="#f7f9fb" stroke="#c5ced8" />
      <line
        x1={50}
        y1={19}
        x2={50}
        y2={30}
        stroke="#305680"
        strokeWidth={4}
        strokeLinecap="round"
        transform={`rotate(${angle} 50 50)`}
      />
      <text x={50} y={58} textAnchor="middle" fontSize={16} fill="#333" pointerEvents="none">
        {value.toFixed(digits)}
      </text>
      <text x={18} y={96} textAnchor="middle" fontSize={8} fill="#777" pointerEvents="none">
        {min}
      </text>
      <text x={82} y={96} textAnchor="middle" fontSize={8} fill="#777" pointerEvents="none">
        {max}
      </text>
    </Box>
  );
}
