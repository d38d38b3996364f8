import * as monaco from 'monaco-editor/esm/vs/editor/edcore.main';
import { useEffect, useRef } from 'react';
// the app's Monaco setup (workers, loader, JS defaults) runs once, in the editor module
import { EDITOR_OPTIONS } from '../../ui/MonacoEditor';
import type { ScriptDiffProps } from './ScriptDiff';

/** Monaco's side-by-side diff editor, read-only: `original` on the left, `modified` on the right. */
export default function MonacoDiff({ original, modified, height = 420, ariaLabel }: ScriptDiffProps) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneDiffEditor | null>(null);

  useEffect(() => {
    const ed = monaco.editor.createDiffEditor(host.current!, {
      ...EDITOR_OPTIONS,
      readOnly: true,
      originalEditable: false,
      renderSideBySide: true,
      // the page is wide enough; inline would hide which side is which
      useInlineViewWhenSpaceIsLimited: false,
      diffWordWrap: 'on',
    });
    editor.current = ed;
    return () => {
      const m = ed.getModel();
      ed.dispose();
      m?.original.dispose();
      m?.modified.dispose();
      editor.current = null;
    };
  }, []);

  useEffect(() => {
    const ed = editor.current;
    if (!ed) return;
    const old = ed.getModel();
    ed.setModel({ original: monaco.editor.createModel(original, 'javascript'), modified: monaco.editor.createModel(modified, 'javascript') });
    old?.original.dispose();
    old?.modified.dispose();
  }, [original, modified]);

  return <div ref={host} style={{ height }} aria-label={ariaLabel} role="region" data-testid="script-diff" />;
}
