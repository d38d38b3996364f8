import { lazy, Suspense } from 'react';
import { Loading } from './states';

export interface ExtraLib {
  /** .d.ts text giving the script's globals (payload, metadata, msg...) their types */
  content: string;
  filePath: string;
}

export interface CodeEditorProps {
  value: string;
  onChange: (v: string) => void;
  language?: 'javascript' | 'json';
  height?: number | string;
  /** typings for completion and red underlines; replaces the previous editor's libs */
  extraLibs?: ExtraLib[];
  /** 1-based line to mark as failing (e.g. from a test run); null clears it */
  errorLine?: number | null;
  errorMessage?: string;
  readOnly?: boolean;
  ariaLabel?: string;
}

// Monaco is only fetched when a page renders a CodeEditor, so it lives in its own chunk.
const MonacoEditor = lazy(() => import('./MonacoEditor'));

/** The code editor (Monaco, loaded lazily, no CDN: everything is bundled). */
export function CodeEditor(props: CodeEditorProps) {
  return (
    <Suspense fallback={<Loading label="Loading editor…" />}>
      <MonacoEditor {...props} />
    </Suspense>
  );
}
