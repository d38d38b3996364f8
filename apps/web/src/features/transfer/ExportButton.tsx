import { Button } from '@mui/material';
import { useState } from 'react';
import { useNotify } from '../../app/notify';
import { transferApi, type ExportKind } from './transfer.api';

/** Downloads the entity as a JSON document that POST /api/import (the Import button) takes back. */
export function ExportButton({ kind, id, name }: { kind: ExportKind; id: string; name: string }) {
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      const doc = await transferApi.export(kind, id);
      const url = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${name.replace(/[^\w.-]+/g, '_') || kind}.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (e) {
      notify.error(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button variant="outlined" onClick={() => void download()} disabled={busy}>
      Export
    </Button>
  );
}
