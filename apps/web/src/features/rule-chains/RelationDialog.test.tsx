import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { RelationDialog } from './RelationDialog';

const switchRelations = [
  'Post attributes',
  'Post telemetry',
  'RPC Request from Device',
  'RPC Request to Device',
  'Activity Event',
  'Connect Event',
  'Disconnect Event',
  'Entity Created',
  'Other',
  'Failure',
];

function show(initial: string[] = []) {
  const onConfirm = vi.fn();
  const onCancel = vi.fn();
  render(
    <RelationDialog
      open
      sourceName="Message Type Switch"
      targetName="MQTT Integration Downlink"
      relationTypes={switchRelations}
      initial={initial}
      onCancel={onCancel}
      onConfirm={onConfirm}
    />,
  );
  return { onConfirm, onCancel };
}

describe('RelationDialog (connection relation picker)', { timeout: 20000 }, () => {
  it("offers the source node's relation types and adds the checked one", () => {
    const { onConfirm } = show();
    expect(screen.getAllByRole('checkbox')).toHaveLength(switchRelations.length);
    const add = screen.getByRole('button', { name: 'Add' }) as HTMLButtonElement;
    expect(add.disabled).toBe(true);
    fireEvent.click(screen.getByLabelText('RPC Request to Device'));
    expect(add.disabled).toBe(false);
    fireEvent.click(add);
    expect(onConfirm).toHaveBeenCalledWith(['RPC Request to Device']);
  });

  it('narrows a long list with the filter and keeps several relations in the node order', () => {
    const { onConfirm } = show();
    fireEvent.change(screen.getByLabelText('Filter relations'), { target: { value: 'rpc' } });
    expect(screen.getAllByRole('checkbox').map((c) => c.closest('label')?.textContent)).toEqual([
      'RPC Request from Device',
      'RPC Request to Device',
    ]);
    fireEvent.click(screen.getByLabelText('RPC Request to Device'));
    fireEvent.change(screen.getByLabelText('Filter relations'), { target: { value: '' } });
    fireEvent.click(screen.getByLabelText('Post telemetry'));
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    expect(onConfirm).toHaveBeenCalledWith(['Post telemetry', 'RPC Request to Device']);
  });

  it('edits an existing connection: shows its relations checked and can remove it', () => {
    const { onConfirm } = show(['Post telemetry']);
    expect((screen.getByLabelText('Post telemetry') as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Remove connection' }));
    expect(onConfirm).toHaveBeenCalledWith([]);
  });

  it('cancels without changing anything', () => {
    const { onConfirm, onCancel } = show();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalled();
    expect(onConfirm).not.toHaveBeenCalled();
  });
});
