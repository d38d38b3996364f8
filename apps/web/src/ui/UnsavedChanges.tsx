import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle } from '@mui/material';
import { useEffect } from 'react';
import { useBlocker } from 'react-router';

/**
 * Warns before unsaved edits are lost: leaving the page inside the app asks first,
 * closing or reloading the tab gets the browser's own prompt. Needs the data router.
 *
 *   <UnsavedChangesPrompt when={dirty} what="the rule chain" />
 *
 * `scope`: paths under it are the same page (its tabs, e.g. /converters/<id>/events), where the
 * edits stay on screen, so moving there asks nothing.
 */
export function UnsavedChangesPrompt({
  when,
  what = 'this page',
  scope,
}: {
  when: boolean;
  what?: string;
  scope?: string;
}) {
  const inside = (p: string) => !!scope && (p === scope || p.startsWith(`${scope}/`));
  // A REPLACE is the page itself moving on after a save (/converters/new → /converters/<id>),
  // decided before the saved state has rendered; the user's own moves are PUSH (links) and POP (Back).
  const blocker = useBlocker(
    ({ currentLocation, nextLocation, historyAction }) =>
      when &&
      historyAction !== 'REPLACE' &&
      currentLocation.pathname !== nextLocation.pathname &&
      !(inside(currentLocation.pathname) && inside(nextLocation.pathname)),
  );
  useEffect(() => {
    if (!when) return;
    const h = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', h);
    return () => window.removeEventListener('beforeunload', h);
  }, [when]);
  return (
    <Dialog open={blocker.state === 'blocked'} onClose={() => blocker.reset?.()} maxWidth="xs" fullWidth>
      <DialogTitle>Discard unsaved changes?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          You changed {what} without saving. Leave and lose those changes?
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={() => blocker.reset?.()} autoFocus>
          Stay
        </Button>
        <Button color="error" variant="contained" onClick={() => blocker.proceed?.()}>
          Discard and leave
        </Button>
      </DialogActions>
    </Dialog>
  );
}
