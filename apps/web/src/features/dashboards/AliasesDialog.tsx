import {
  Alert,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  IconButton,
  List,
  ListItem,
  ListItemText,
  Tooltip,
  Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';
import type { DashboardConfiguration, EntityAlias } from '@bridgeboard/contracts';
import { AliasDialog } from './AliasDialog';
import { DeleteIcon, EditIcon } from '../../ui/icons';

export interface AliasesDialogProps {
  open: boolean;
  configuration: DashboardConfiguration;
  /** device names by id, for showing what each alias points at */
  deviceNames: Record<string, string>;
  onClose(): void;
  onSave(aliases: Record<string, EntityAlias>): void;
}

/** The dashboard's entity aliases: add, edit, remove (not while a widget uses one), then Save. */
export function AliasesDialog({ open, configuration, deviceNames, onClose, onSave }: AliasesDialogProps) {
  const [aliases, setAliases] = useState<Record<string, EntityAlias>>({});
  const [editing, setEditing] = useState<EntityAlias | null | 'new'>(null);
  const [names, setNames] = useState<Record<string, string>>({});
  const [warning, setWarning] = useState<string | null>(null);
  useEffect(() => {
    if (open) {
      setAliases(configuration.entityAliases);
      setWarning(null);
      setNames({});
    }
  }, [open, configuration.entityAliases]);

  const usedBy = (id: string) =>
    Object.values(configuration.widgets)
      .filter((w) => w.datasources.some((d) => d.entityAliasId === id))
      .map((w) => w.title || w.type);

  const remove = (a: EntityAlias) => {
    const users = usedBy(a.id);
    if (users.length)
      return setWarning(
        `Alias ${a.alias} is used by ${users.join(', ')}; change those widgets' data source first.`,
      );
    const { [a.id]: _, ...rest } = aliases;
    setAliases(rest);
  };

  const current = editing === 'new' ? null : editing;
  return (
    <>
      {/* stays open under the alias dialog: swapping two modals lets MUI's modal manager mark a
          popper opened meanwhile (the device picker's list) aria-hidden, hiding it from assistive tech */}
      <Dialog open={open} onClose={onClose} maxWidth="sm" fullWidth>
        <DialogTitle>Entity aliases</DialogTitle>
        <DialogContent>
          {warning && (
            <Alert severity="warning" onClose={() => setWarning(null)} sx={{ mb: 1 }}>
              {warning}
            </Alert>
          )}
          {Object.keys(aliases).length === 0 && (
            <Typography color="text.secondary">
              No aliases yet. An alias names the device widgets show and control, e.g. Sensor → SN-001.
            </Typography>
          )}
          <List dense>
            {Object.values(aliases).map((a) => (
              <ListItem
                key={a.id}
                secondaryAction={
                  <>
                    <Tooltip title="Edit">
                      <IconButton aria-label={`Edit alias ${a.alias}`} onClick={() => setEditing(a)}>
                        <EditIcon />
                      </IconButton>
                    </Tooltip>
                    <Tooltip title="Remove">
                      <IconButton aria-label={`Remove alias ${a.alias}`} onClick={() => remove(a)}>
                        <DeleteIcon />
                      </IconButton>
                    </Tooltip>
                  </>
                }
              >
                <ListItemText
                  primary={a.alias}
                  secondary={`Single entity · Device · ${names[a.filter.singleEntity.id] ?? deviceNames[a.filter.singleEntity.id] ?? a.filter.singleEntity.id}`}
                />
              </ListItem>
            ))}
          </List>
          <Button onClick={() => setEditing('new')} data-testid="alias-add">
            Add alias
          </Button>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="contained" onClick={() => onSave(aliases)} data-testid="aliases-save">
            Save
          </Button>
        </DialogActions>
      </Dialog>
      <AliasDialog
        open={open && editing !== null}
        alias={current}
        takenNames={Object.values(aliases)
          .filter((a) => a.id !== current?.id)
          .map((a) => a.alias)}
        onClose={() => setEditing(null)}
        onSave={(a, d) => {
          setAliases((old) => ({ ...old, [a.id]: a }));
          setNames((old) => ({ ...old, [d.id]: d.name }));
          setEditing(null);
        }}
      />
    </>
  );
}
