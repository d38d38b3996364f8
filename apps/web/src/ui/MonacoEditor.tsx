import Editor, { loader, type OnMount } from '@monaco-editor/react';
import * as monaco from 'monaco-editor/esm/vs/editor/edcore.main';
import 'monaco-editor/esm/vs/basic-languages/javascript/javascript.contribution';
import 'monaco-editor/esm/vs/language/typescript/monaco.contribution';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker?worker';
import TsWorker from 'monaco-editor/esm/vs/language/typescript/ts.worker?worker';
import { useEffect, useRef } from 'react';
import type { CodeEditorProps } from './CodeEditor';
import './monaco.css';

self.MonacoEnvironment = {
  getWorker: (_id: string, label: string) => (label === 'typescript' || label === 'javascript' ? new TsWorker() : new EditorWorker()),
};
loader.config({ monaco });

const js = monaco.languages.typescript.javascriptDefaults;
js.setCompilerOptions({
  target: monaco.languages.typescript.ScriptTarget.ES2020,
  lib: ['es2020'], // scripts run in a sandbox: no DOM
  allowJs: true,
  checkJs: true,
  allowNonTsExtensions: true,
  noImplicitAny: false,
  strict: false,
});
js.setDiagnosticsOptions({
  noSemanticValidation: false,
  noSyntaxValidation: false,
  // 1108: converter scripts are function bodies, so a top-level `return` is right.
  // 7027/7028: helper functions declared after `return`, as the guide's scripts do.
  diagnosticCodesToIgnore: [1108, 7027, 7028],
});

/**
 * Long lines wrap at the editor's edge: the guide's scripts have lines wider than the panel, and
 * the part the guide asks to change (the `/rx` topic) would sit out of sight.
 */
export const EDITOR_OPTIONS = {
  minimap: { enabled: false },
  fontSize: 13,
  glyphMargin: true,
  scrollBeyondLastLine: false,
  automaticLayout: true,
  tabSize: 2,
  wordWrap: 'on',
  wrappingIndent: 'indent',
} as const;

export default function MonacoEditor({ value, onChange, language = 'javascript', height = 420, extraLibs, errorLine, errorMessage, readOnly, ariaLabel }: CodeEditorProps) {
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const decorations = useRef<monaco.editor.IEditorDecorationsCollection | null>(null);

  useEffect(() => {
    if (extraLibs) js.setExtraLibs(extraLibs);
  }, [extraLibs]);

  const markError = () => {
    const ed = editorRef.current;
    const model = ed?.getModel();
    if (!ed || !model) return;
    decorations.current?.clear();
    if (errorLine && errorLine >= 1 && errorLine <= model.getLineCount()) {
      decorations.current = ed.createDecorationsCollection([
        {
          range: new monaco.Range(errorLine, 1, errorLine, 1),
          options: { isWholeLine: true, className: 'bb-error-line', glyphMarginClassName: 'bb-error-glyph', hoverMessage: { value: errorMessage ?? 'Error' } },
        },
      ]);
      monaco.editor.setModelMarkers(model, 'test-run', [
        { severity: monaco.MarkerSeverity.Error, message: errorMessage ?? 'Error', startLineNumber: errorLine, endLineNumber: errorLine, startColumn: 1, endColumn: model.getLineMaxColumn(errorLine) },
      ]);
      ed.revealLineInCenterIfOutsideViewport(errorLine);
    } else {
      monaco.editor.setModelMarkers(model, 'test-run', []);
    }
  };
  useEffect(markError, [errorLine, errorMessage]);

  const onMount: OnMount = (ed) => {
    editorRef.current = ed;
    ed.getContainerDomNode().setAttribute('data-testid', 'code-editor');
    if (ariaLabel) ed.getDomNode()?.setAttribute('aria-label', ariaLabel);
    markError();
  };

  return (
    <Editor
      height={height}
      language={language}
      value={value}
      onChange={(v) => onChange(v ?? '')}
      onMount={onMount}
      options={{ ...EDITOR_OPTIONS, readOnly }}
    />
  );
}
