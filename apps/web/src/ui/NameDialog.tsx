import { Button, Dialog, DialogActions, DialogContent, DialogTitle, TextField } from '@mui/material';
import { useEffect, useState } from 'react';
import { errorMessage } from '../app/api';

export interface NameDialogProps {
  open: boolean;
  onClose(): void;
  /** the dialog's title, also the submit button's action ("Add dashboard") */
  title: string;
  /** the field's label ("Name", "Title") */
  label: string;
  /** the sentence shown when the field is left blank */
  missing: string;
  /** creates the thing from the trimmed text; a rejection shows the API's sentence under the field */
  onSubmit(text: string): Promise<void>;
  testIds?: { input: string; submit: string };
}

/** Asks for the one name a new thing needs (Enter submits), then creates it. */
export function NameDialog(p: NameDialogProps) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (p.open) {
      setText('');
      setError(null);
    }
  }, [p.open]);
  const create = async () => {
    if (!text.trim()) return setError(p.missing);
    setBusy(true);
    try {
      await p.onSubmit(text.trim());
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={p.open} onClose={p.onClose} maxWidth="xs" fullWidth>
      <DialogTitle>{p.title}</DialogTitle>
      <DialogContent>
        <TextField
          autoFocus
          fullWidth
          label={p.label}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && void create()}
          error={!!error}
          helperText={error ?? ' '}
          sx={{ mt: 1 }}
          slotProps={p.testIds && { htmlInput: { 'data-testid': p.testIds.input } }}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={p.onClose}>Cancel</Button>
        <Button
          variant="contained"
          onClick={() => void create()}
          disabled={busy}
          data-testid={p.testIds?.submit}
        >
          Add
        </Button>
      </DialogActions>
    </Dialog>
  );
}
