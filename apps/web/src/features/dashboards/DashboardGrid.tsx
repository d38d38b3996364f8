import { Box, IconButton, Paper, Tooltip, Typography } from '@mui/material';
import { Component, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import type { DashboardConfiguration, WidgetConfig, WidgetLayout } from '@bridgeboard/contracts';
import { findWidget } from '../../widgets/registry';
import { DeleteIcon, DragIcon, EditIcon } from '../../ui/icons';

export const ROW_HEIGHT = 48;
const GAP = 8;

export interface DashboardGridProps {
  configuration: DashboardConfiguration;
  editing: boolean;
  /** device each alias resolved to (null: not found) */
  devices: Record<string, { id: string; name: string } | null>;
  onLayoutChange(widgetId: string, layout: WidgetLayout): void;
  onEdit(widget: WidgetConfig): void;
  onRemove(widget: WidgetConfig): void;
}

type Gesture = { id: string; kind: 'move' | 'resize'; x: number; y: number; start: WidgetLayout };

const clampLayout = (l: WidgetLayout, columns: number): WidgetLayout => {
  const sizeX = Math.min(columns, Math.max(1, l.sizeX));
  return {
    sizeX,
    sizeY: Math.max(1, l.sizeY),
    col: Math.min(columns - sizeX, Math.max(0, l.col)),
    row: Math.max(0, l.row),
  };
};

/**
 * The dashboard's CSS grid (24 columns, rows of 48 px). In edit mode a widget moves by its
 * header handle (mouse or arrow keys) and resizes by its corner (mouse, or Shift+arrows on the handle).
 */
export function DashboardGrid({
  configuration,
  editing,
  devices,
  onLayoutChange,
  onEdit,
  onRemove,
}: DashboardGridProps) {
  const columns = configuration.layout.columns || 24;
  const gridRef = useRef<HTMLDivElement>(null);
  const [gesture, setGesture] = useState<Gesture | null>(null);
  const [preview, setPreview] = useState<{ id: string; layout: WidgetLayout } | null>(null);

  const cellSize = () => {
    const w = gridRef.current?.getBoundingClientRect().width ?? 1200;
    return { x: (w + GAP) / columns, y: ROW_HEIGHT + GAP };
  };
  const begin = (e: PointerEvent, id: string, kind: Gesture['kind']) => {
    if (!editing) return;
    e.preventDefault();
    (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
    setGesture({ id, kind, x: e.clientX, y: e.clientY, start: configuration.layout.widgets[id]! });
  };
  const move = (e: PointerEvent) => {
    if (!gesture) return;
    const c = cellSize();
    const dx = Math.round((e.clientX - gesture.x) / c.x);
    const dy = Math.round((e.clientY - gesture.y) / c.y);
    const s = gesture.start;
    const next =
      gesture.kind === 'move'
        ? { ...s, col: s.col + dx, row: s.row + dy }
        : { ...s, sizeX: s.sizeX + dx, sizeY: s.sizeY + dy };
    setPreview({ id: gesture.id, layout: clampLayout(next, columns) });
  };
  const end = () => {
    if (gesture && preview) onLayoutChange(gesture.id, preview.layout);
    setGesture(null);
    setPreview(null);
  };
  const onHandleKey = (e: KeyboardEvent, id: string) => {
    const d: Record<string, [number, number]> = {
      ArrowLeft: [-1, 0],
      ArrowRight: [1, 0],
      ArrowUp: [0, -1],
      ArrowDown: [0, 1],
    };
    const v = d[e.key];
    if (!v) return;
    e.preventDefault();
    const s = configuration.layout.widgets[id]!;
    const next = e.shiftKey
      ? { ...s, sizeX: s.sizeX + v[0], sizeY: s.sizeY + v[1] }
      : { ...s, col: s.col + v[0], row: s.row + v[1] };
    onLayoutChange(id, clampLayout(next, columns));
  };

  const widgets = Object.values(configuration.widgets);
  const rows = Math.max(
    8,
    ...widgets.map((w) => {
      const l = preview?.id === w.id ? preview.layout : configuration.layout.widgets[w.id];
      return l ? l.row + l.sizeY + (editing ? 4 : 0) : 0;
    }),
  );
  return (
    <Box
      ref={gridRef}
      onPointerMove={move}
      onPointerUp={end}
      onPointerCancel={end}
      data-testid="dashboard-grid"
      sx={{
        display: 'grid',
        gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
        gridTemplateRows: `repeat(${rows}, ${ROW_HEIGHT}px)`,
        gap: `${GAP}px`,
        position: 'relative',
        userSelect: gesture ? 'none' : undefined,
        backgroundImage: editing
          ? `linear-gradient(to right, rgba(48,86,128,.06) 1px, transparent 1px), linear-gradient(to bottom, rgba(48,86,128,.06) 1px, transparent 1px)`
          : undefined,
        backgroundSize: editing ? `calc((100% + ${GAP}px) / ${columns}) ${ROW_HEIGHT + GAP}px` : undefined,
      }}
    >
      {widgets.map((w) => {
        const l =
          preview?.id === w.id
            ? preview.layout
            : (configuration.layout.widgets[w.id] ?? { col: 0, row: 0, sizeX: 6, sizeY: 4 });
        const def = findWidget(w.type);
        const ds = w.datasources[0];
        const device = ds ? (devices[ds.entityAliasId] ?? null) : null;
        return (
          <Paper
            key={w.id}
            variant="outlined"
            data-testid={`widget-${w.id}`}
            data-widget-type={w.type}
            sx={{
              gridColumn: `${l.col + 1} / span ${l.sizeX}`,
              gridRow: `${l.row + 1} / span ${l.sizeY}`,
              display: 'flex',
              flexDirection: 'column',
              minWidth: 0,
              minHeight: 0,
              position: 'relative',
              outline: preview?.id === w.id ? '2px dashed #305680' : undefined,
            }}
          >
            <Box
              sx={{
                display: 'flex',
                alignItems: 'center',
                px: 1,
                minHeight: 30,
                borderBottom: 1,
                borderColor: 'divider',
              }}
            >
              {editing && (
                <Tooltip title="Drag to move (arrow keys move, Shift+arrows resize)">
                  <Box
                    component="span"
                    role="button"
                    tabIndex={0}
                    aria-label={`Move ${w.title || def?.name}`}
                    onPointerDown={(e: PointerEvent) => begin(e, w.id, 'move')}
                    onKeyDown={(e: KeyboardEvent) => onHandleKey(e, w.id)}
                    data-testid="widget-move"
                    sx={{
                      cursor: 'move',
                      mr: 1,
                      touchAction: 'none',
                      color: 'text.secondary',
                      fontSize: 18,
                      lineHeight: 1,
                    }}
                  >
                    <DragIcon />
                  </Box>
                </Tooltip>
              )}
              <Typography variant="subtitle2" noWrap sx={{ flex: 1 }}>
                {w.title}
              </Typography>
              {editing && (
                <>
                  <IconButton
                    size="small"
                    aria-label={`Edit widget ${w.title}`}
                    onClick={() => onEdit(w)}
                    data-testid="widget-edit"
                  >
                    <EditIcon />
                  </IconButton>
                  <IconButton
                    size="small"
                    aria-label={`Remove widget ${w.title}`}
                    onClick={() => onRemove(w)}
                  >
                    <DeleteIcon />
                  </IconButton>
                </>
              )}
            </Box>
            <Box sx={{ flex: 1, minHeight: 0, p: 1, overflow: 'hidden' }}>
              {!def ? (
                <Typography color="error">Unknown widget type {w.type}.</Typography>
              ) : ds && devices[ds.entityAliasId] === null ? (
                <Typography color="error">
                  The device of alias{' '}
                  {configuration.entityAliases[ds.entityAliasId]?.alias ?? ds.entityAliasId} was not found.
                </Typography>
              ) : (
                <WidgetBoundary name={w.title || def.name}>
                  <def.Component
                    widget={w}
                    settings={{ ...def.defaultSettings, ...w.settings }}
                    device={device}
                    dataKeys={ds?.dataKeys ?? []}
                    editing={editing}
                  />
                </WidgetBoundary>
              )}
            </Box>
            {editing && (
              <Box
                role="presentation"
                onPointerDown={(e: PointerEvent) => begin(e, w.id, 'resize')}
                data-testid="widget-resize"
                sx={{
                  position: 'absolute',
                  right: 0,
                  bottom: 0,
                  width: 16,
                  height: 16,
                  cursor: 'nwse-resize',
                  touchAction: 'none',
                  background: 'linear-gradient(135deg, transparent 50%, #9aa9b9 50%)',
                }}
              />
            )}
          </Paper>
        );
      })}
    </Box>
  );
}

/** One broken widget shows its error instead of taking the dashboard down. */
class WidgetBoundary extends Component<{ name: string; children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    if (this.state.error)
      return (
        <Typography color="error">
          Widget {this.props.name} failed: {this.state.error.message}
        </Typography>
      );
    return this.props.children;
  }
}
