import { Alert, Button } from '@mui/material';
import { ApiError } from '../app/api';
import { ErrorAlert } from './states';

export const isStaleVersion = (e: unknown): boolean => e instanceof ApiError && e.staleVersion;

/**
 * A failed save. When someone else saved the same entity meanwhile (409, stale `version`), it offers the two ways
 * out: reload theirs (losing these edits) or overwrite theirs with these edits.
 */
export function SaveErrorAlert({
  error,
  what,
  onReload,
  onOverwrite,
}: {
  error: unknown;
  what: string;
  onReload(): void;
  onOverwrite(): void;
}) {
  if (!isStaleVersion(error)) return <ErrorAlert error={error} />;
  return (
    <Alert
      severity="warning"
      sx={{ my: 1 }}
      action={
        <>
          <Button color="inherit" size="small" onClick={onReload}>
            Reload
          </Button>
          <Button color="inherit" size="small" onClick={onOverwrite}>
            Overwrite
          </Button>
        </>
      }
    >
      This {what} was changed by someone else — reload or overwrite.
    </Alert>
  );
}
