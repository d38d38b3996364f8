import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  FormGroup,
  TextField,
  Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';

export interface RelationDialogProps {
  open: boolean;
  sourceName: string;
  targetName: string;
  /** the source node's relation types (from GET /api/components) */
  relationTypes: string[];
  /** relations the connection already has (editing an existing one) */
  initial: string[];
  onCancel(): void;
  /** the chosen relations; an empty list removes the connection */
  onConfirm(relations: string[]): void;
}

/** Picks the relation(s) a new or existing connection carries, from the source node's relation types. */
export function RelationDialog({
  open,
  sourceName,
  targetName,
  relationTypes,
  initial,
  onCancel,
  onConfirm,
}: RelationDialogProps) {
  const [chosen, setChosen] = useState<string[]>([]);
  const [filter, setFilter] = useState('');
  useEffect(() => {
    if (open) {
      setChosen(initial);
      setFilter('');
    }
  }, [open, initial]);
  const editing = initial.length > 0;
  // a saved relation the node no longer declares still shows, so it can be unchecked
  const all = [...relationTypes, ...initial.filter((r) => !relationTypes.includes(r))];
  const shown = all.filter((r) => r.toLowerCase().includes(filter.toLowerCase()));
  const toggle = (r: string) => setChosen((c) => (c.includes(r) ? c.filter((x) => x !== r) : [...c, r]));
  return (
    <Dialog open={open} onClose={onCancel} maxWidth="xs" fullWidth aria-labelledby="relation-dialog-title">
      <DialogTitle id="relation-dialog-title">{editing ? 'Edit connection' : 'Add connection'}</DialogTitle>
      <DialogContent>
        <Typography color="text.secondary" sx={{ mb: 1 }}>
          {sourceName} → {targetName}: messages that leave {sourceName} with the checked relation go to{' '}
          {targetName}.
        </Typography>
        {all.length > 8 && (
          <TextField
            fullWidth
            label="Filter relations"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            sx={{ mb: 1 }}
          />
        )}
        <FormGroup data-testid="relation-list">
          {shown.map((r) => (
            <FormControlLabel
              key={r}
              label={r}
              control={<Checkbox checked={chosen.includes(r)} onChange={() => toggle(r)} />}
            />
          ))}
        </FormGroup>
        {!relationTypes.length && (
          <Typography color="error">{sourceName} has no output relations.</Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        {editing && (
          <Button color="error" onClick={() => onConfirm([])}>
            Remove connection
          </Button>
        )}
        <Button
          variant="contained"
          disabled={!chosen.length}
          onClick={() => onConfirm(all.filter((r) => chosen.includes(r)))}
          data-testid="relation-confirm"
        >
          {editing ? 'Save' : 'Add'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
