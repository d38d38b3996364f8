import { CssBaseline, ThemeProvider } from '@mui/material';
import type { ReactNode } from 'react';
import { AuthProvider } from './auth';
import { NotifyProvider } from './notify';
import { ConfirmProvider } from '../ui/ConfirmDialog';
import { theme } from './theme';

/** Everything a page needs around it; tests wrap components with it inside a MemoryRouter. */
export function Providers({ children }: { children: ReactNode }) {
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <NotifyProvider>
        <ConfirmProvider>
          <AuthProvider>{children}</AuthProvider>
        </ConfirmProvider>
      </NotifyProvider>
    </ThemeProvider>
  );
}
