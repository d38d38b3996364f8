import { Alert, Snackbar } from '@mui/material';
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import { errorMessage } from './api';

type Notify = (message: string, severity?: 'success' | 'error' | 'info') => void;
const NotifyContext = createContext<Notify>(() => undefined);

/** `const notify = useNotify(); notify('Saved')` or `notify.error(e)` style: notify(errorMessage(e), 'error'). */
export function useNotify(): Notify & { error: (e: unknown) => void } {
  const n = useContext(NotifyContext);
  return Object.assign((m: string, s?: 'success' | 'error' | 'info') => n(m, s), { error: (e: unknown) => n(errorMessage(e), 'error') });
}

export function NotifyProvider({ children }: { children: ReactNode }) {
  const [msg, setMsg] = useState<{ text: string; severity: 'success' | 'error' | 'info'; key: number } | null>(null);
  const notify = useCallback<Notify>((text, severity = 'success') => setMsg({ text, severity, key: Date.now() }), []);
  return (
    <NotifyContext.Provider value={notify}>
      {children}
      <Snackbar
        key={msg?.key}
        open={!!msg}
        autoHideDuration={msg?.severity === 'error' ? 8000 : 3000}
        onClose={() => setMsg(null)}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'center' }}
      >
        <Alert severity={msg?.severity ?? 'info'} variant="filled" onClose={() => setMsg(null)} sx={{ maxWidth: 640 }}>
          {msg?.text}
        </Alert>
      </Snackbar>
    </NotifyContext.Provider>
  );
}
