import { Button, Menu, MenuItem } from '@mui/material';
import { useRef, useState } from 'react';
import { ApiError } from '../../app/api';
import { useNotify } from '../../app/notify';
import { useConfirm } from '../../ui/ConfirmDialog';
import { describeImport, transferApi } from './transfer.api';

/**
 * Import on the list pages: a document exported by any Export button (converters, integrations,
 * rule chains, dashboards, or an array of such documents), or the tutorial's ready-made setup.
 */
export function ImportButton({ onImported }: { onImported: () => void }) {
  const notify = useNotify();
  const confirm = useConfirm();
  const [menu, setMenu] = useState<HTMLElement | null>(null);
  const file = useRef<HTMLInputElement>(null);

  const run = async (job: () => Promise<Awaited<ReturnType<typeof transferApi.import>>>) => {
    setMenu(null);
    try {
      const r = await job();
      notify(describeImport(r), r.warnings.length ? 'info' : 'success');
      onImported();
    } catch (e) {
      notify.error(e);
    }
  };

  /** Asks first (it creates five entities and a new root chain); a second load on the same topics needs a second yes. */
  const loadExample = async () => {
    setMenu(null);
    const ok = await confirm({
      title: 'Load the tutorial example?',
      message:
        'This creates the MQTT Uplink and MQTT Downlink converters, the MQTT Integration on the demo broker, ' +
        'a Root Rule Chain that becomes your root chain, and the MQTT Dashboard.',
      confirmText: 'Load',
    });
    if (!ok) return;
    await run(async () => {
      try {
        return await transferApi.loadExample('mqtt-tutorial');
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 409)) throw e;
        const again = await confirm({
          title: 'Already loaded',
          message: e.message,
          confirmText: 'Load a second copy',
        });
        if (!again) throw e;
        return transferApi.loadExample('mqtt-tutorial', true);
      }
    });
  };

  const fromFile = (f: File | undefined) => {
    if (!f) return;
    void run(async () => {
      const text = await readText(f);
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch {
        throw new Error(`${f.name} is not a JSON file; choose a file saved with an Export button.`);
      }
      return transferApi.import(doc);
    });
  };

  return (
    <>
      <Button variant="outlined" onClick={(e) => setMenu(e.currentTarget)} aria-haspopup="menu">
        Import
      </Button>
      <Menu anchorEl={menu} open={!!menu} onClose={() => setMenu(null)}>
        <MenuItem onClick={() => file.current?.click()}>Import from a file…</MenuItem>
        <MenuItem onClick={() => void loadExample()}>Load the tutorial example</MenuItem>
      </Menu>
      <input
        ref={file}
        type="file"
        accept="application/json,.json"
        hidden
        aria-label="Import file"
        onChange={(e) => {
          fromFile(e.target.files?.[0]);
          e.target.value = '';
        }}
      />
    </>
  );
}

/** FileReader rather than File.text(): the same in every browser and in the tests' DOM. */
function readText(f: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () =>
      reject(new Error(`${f.name} could not be read: ${r.error?.message ?? 'unknown error'}`));
    r.readAsText(f);
  });
}
