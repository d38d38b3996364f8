import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { DashboardConfiguration } from '@bridgeboard/contracts';
import { DashboardGrid } from './DashboardGrid';

const configuration = (): DashboardConfiguration => ({
  entityAliases: {},
  widgets: { w1: { id: 'w1', type: 'latest-values', title: 'Temperature', datasources: [], settings: {} } },
  layout: { columns: 24, widgets: { w1: { col: 2, row: 1, sizeX: 6, sizeY: 4 } } },
});

function show(editing = true) {
  const onLayoutChange = vi.fn();
  render(
    <DashboardGrid
      configuration={configuration()}
      editing={editing}
      devices={{}}
      onLayoutChange={onLayoutChange}
      onEdit={vi.fn()}
      onRemove={vi.fn()}
    />,
  );
  return { onLayoutChange };
}

describe('DashboardGrid', () => {
  it('places a widget by its layout cells', () => {
    show(false);
    const frame = screen.getByTestId('widget-w1');
    expect(getComputedStyle(frame).gridColumn.replace(/\s/g, '')).toBe('3/span6');
    expect(getComputedStyle(frame).gridRow.replace(/\s/g, '')).toBe('2/span4');
    expect(screen.queryByTestId('widget-move')).toBeNull();
  });

  it('moves a widget with the arrow keys and resizes it with Shift+arrows, kept inside the 24 columns', () => {
    const { onLayoutChange } = show();
    const handle = screen.getByTestId('widget-move');
    fireEvent.keyDown(handle, { key: 'ArrowRight' });
    expect(onLayoutChange).toHaveBeenLastCalledWith('w1', { col: 3, row: 1, sizeX: 6, sizeY: 4 });
    fireEvent.keyDown(handle, { key: 'ArrowDown', shiftKey: true });
    expect(onLayoutChange).toHaveBeenLastCalledWith('w1', { col: 2, row: 1, sizeX: 6, sizeY: 5 });
    fireEvent.keyDown(handle, { key: 'ArrowLeft', shiftKey: true });
    expect(onLayoutChange).toHaveBeenLastCalledWith('w1', { col: 2, row: 1, sizeX: 5, sizeY: 4 });
  });

  it('moves and resizes by dragging, in whole cells', () => {
    const { onLayoutChange } = show();
    const grid = screen.getByTestId('dashboard-grid');
    // 24 columns of 42 px plus 8 px gaps: one cell is 50 px wide, one row 56 px high
    vi.spyOn(grid, 'getBoundingClientRect').mockReturnValue({
      width: 1192,
      height: 800,
      left: 0,
      top: 0,
      right: 1192,
      bottom: 800,
      x: 0,
      y: 0,
      toJSON: () => ({}),
    });
    fireEvent.pointerDown(screen.getByTestId('widget-move'), { clientX: 100, clientY: 100, pointerId: 1 });
    fireEvent.pointerMove(grid, { clientX: 210, clientY: 160, pointerId: 1 });
    fireEvent.pointerUp(grid, { pointerId: 1 });
    expect(onLayoutChange).toHaveBeenLastCalledWith('w1', { col: 4, row: 2, sizeX: 6, sizeY: 4 });
    fireEvent.pointerDown(screen.getByTestId('widget-resize'), { clientX: 400, clientY: 300, pointerId: 2 });
    fireEvent.pointerMove(grid, { clientX: 2000, clientY: 300, pointerId: 2 });
    fireEvent.pointerUp(grid, { pointerId: 2 });
    expect(onLayoutChange).toHaveBeenLastCalledWith('w1', { col: 0, row: 1, sizeX: 24, sizeY: 4 });
  });
});
