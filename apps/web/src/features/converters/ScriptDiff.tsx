import { lazy, Suspense } from 'react';
import { Loading } from '../../ui/states';

export interface ScriptDiffProps {
  original: string;
  modified: string;
  height?: number | string;
  ariaLabel?: string;
}

// Monaco comes in its own chunk, only when a diff is shown (as ui/CodeEditor does for the editor).
const MonacoDiff = lazy(() => import('./MonacoDiff'));

/** Two scripts side by side with their differences marked (Monaco's diff editor). */
export function ScriptDiff(props: ScriptDiffProps) {
  return (
    <Suspense fallback={<Loading label="Loading diff…" />}>
      <MonacoDiff {...props} />
    </Suspense>
  );
}
