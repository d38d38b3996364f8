import { Alert, Box, Button, Chip, Divider, Stack, Tooltip } from '@mui/material';
import {
  Background,
  Controls,
  MarkerType,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type Node,
  type NodeChange,
  type EdgeChange,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useState, type DragEvent } from 'react';
import type { RuleNodeTypeInfo, RuleChain, RuleChainMetaData } from '@bridgeboard/contracts';
import { SaveErrorAlert } from '../../ui/SaveErrorAlert';
import {
  fromMetadata,
  newKey,
  removeNodes,
  setLink,
  toMetadata,
  updateNode,
  type EditorDoc,
  type EditorNode,
} from './model';
import { NodeDialog } from './NodeDialog';
import { DRAG_MIME, Palette } from './Palette';
import { RelationDialog } from './RelationDialog';
import { ruleChainsApi, titleCase } from './ruleChains.api';
import { InputNodeView, RuleNodeView } from './RuleNodeView';
import { useHistory } from './useHistory';

const INPUT = '__input';
// not 'input': React Flow styles its built-in input node type
const nodeTypes = { rule: RuleNodeView, chainInput: InputNodeView };

export interface RuleChainEditorProps {
  chain: RuleChain;
  metadata: RuleChainMetaData;
  components: RuleNodeTypeInfo[];
  onSaved(m: RuleChainMetaData): void;
  onDirtyChange(dirty: boolean): void;
}

/** The rule chain canvas: palette, nodes, labelled connections, node dialogs, undo/redo and save. */
export function RuleChainEditor({
  chain,
  metadata,
  components,
  onSaved,
  onDirtyChange,
}: RuleChainEditorProps) {
  const flow = useReactFlow();
  const byType = useMemo(() => new Map(components.map((c) => [c.type, c])), [components]);
  const h = useHistory<EditorDoc>(fromMetadata(metadata));
  const doc = h.present;
  const [baseline, setBaseline] = useState(() =>
    JSON.stringify(toMetadata(fromMetadata(metadata), chain.id.id)),
  );
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [measured, setMeasured] = useState<Record<string, { width: number; height: number }>>({});
  const [inputPos, setInputPos] = useState(() => {
    const first = doc.nodes.find((n) => n.key === doc.firstKey);
    return { x: Math.min(...doc.nodes.map((n) => n.x), 300) - 220, y: first?.y ?? 150 };
  });
  const [nodeDialog, setNodeDialog] = useState<{ node: EditorNode; isNew: boolean } | null>(null);
  const [relDialog, setRelDialog] = useState<{ from: string; to: string; initial: string[] } | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  // the chain's version these nodes were loaded at: a save after someone else's answers 409
  const [version, setVersion] = useState(metadata.version);

  const dirty = JSON.stringify(toMetadata(doc, chain.id.id)) !== baseline;
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);

  const nodes: Node[] = [
    {
      id: INPUT,
      type: 'chainInput',
      position: inputPos,
      data: {},
      deletable: false,
      measured: measured[INPUT],
      selected: selected.has(INPUT),
    },
    ...doc.nodes.map((n) => {
      const d = byType.get(n.type);
      return {
        id: n.key,
        type: 'rule',
        position: { x: n.x, y: n.y },
        measured: measured[n.key],
        selected: selected.has(n.key),
        data: {
          name: n.name,
          typeName: d ? titleCase(d.name) : n.type.split('.').pop()!,
          category: d?.category ?? '',
          debugMode: n.debugMode,
          onToggleDebug: () => h.commit((p) => updateNode(p, n.key, { debugMode: !n.debugMode })),
        },
      };
    }),
  ];
  const edges: Edge[] = [
    ...(doc.firstKey
      ? [
          {
            id: `${INPUT}->${doc.firstKey}`,
            source: INPUT,
            target: doc.firstKey,
            selected: selected.has(`${INPUT}->${doc.firstKey}`),
            markerEnd: { type: MarkerType.ArrowClosed },
          },
        ]
      : []),
    ...doc.links.map((l) => {
      const id = `${l.from}->${l.to}`;
      return {
        id,
        source: l.from,
        target: l.to,
        label: l.relations.join(' / '),
        selected: selected.has(id),
        markerEnd: { type: MarkerType.ArrowClosed },
        labelBgPadding: [4, 2] as [number, number],
        labelStyle: { fontSize: 11 },
      };
    }),
  ];

  const onNodesChange = useCallback(
    (changes: NodeChange[]) => {
      const moves = new Map<string, { x: number; y: number }>();
      for (const c of changes) {
        if (c.type === 'position' && c.position) moves.set(c.id, c.position);
        if (c.type === 'dimensions' && c.dimensions) setMeasured((m) => ({ ...m, [c.id]: c.dimensions! }));
        if (c.type === 'select')
          setSelected((s) => {
            const n = new Set(s);
            if (c.selected) n.add(c.id);
            else n.delete(c.id);
            return n;
          });
      }
      if (moves.has(INPUT)) setInputPos(moves.get(INPUT)!);
      if ([...moves.keys()].some((k) => k !== INPUT))
        h.replace((p) => ({
          ...p,
          nodes: p.nodes.map((n) => (moves.has(n.key) ? { ...n, ...moves.get(n.key)! } : n)),
        }));
    },
    [h],
  );
  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    for (const c of changes)
      if (c.type === 'select')
        setSelected((s) => {
          const n = new Set(s);
          if (c.selected) n.add(c.id);
          else n.delete(c.id);
          return n;
        });
  }, []);

  const onConnect = (c: Connection) => {
    if (!c.source || !c.target || c.source === c.target || c.target === INPUT) return;
    if (c.source === INPUT) return h.commit((p) => ({ ...p, firstKey: c.target }));
    const existing = doc.links.find((l) => l.from === c.source && l.to === c.target);
    setRelDialog({ from: c.source, to: c.target, initial: existing?.relations ?? [] });
  };

  const onDelete = ({ nodes: ns, edges: es }: { nodes: Node[]; edges: Edge[] }) => {
    h.commit((p) => {
      let next = removeNodes(p, new Set(ns.map((n) => n.id)));
      for (const e of es)
        next = e.source === INPUT ? { ...next, firstKey: null } : setLink(next, e.source, e.target, []);
      return next;
    });
    setSelected(new Set());
  };

  const addAt = (c: RuleNodeTypeInfo, pos: { x: number; y: number }) =>
    setNodeDialog({
      isNew: true,
      node: {
        key: newKey(),
        type: c.type,
        name: '',
        debugMode: false,
        debugPinned: false,
        configuration: structuredClone(c.defaultConfiguration ?? {}),
        ...pos,
      },
    });
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const c = byType.get(e.dataTransfer.getData(DRAG_MIME));
    if (c) addAt(c, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
  };
  const addInMiddle = (c: RuleNodeTypeInfo) => {
    const el = document.querySelector('.react-flow')?.getBoundingClientRect();
    addAt(
      c,
      flow.screenToFlowPosition({
        x: (el?.left ?? 0) + (el?.width ?? 600) / 2,
        y: (el?.top ?? 0) + (el?.height ?? 400) / 2,
      }),
    );
  };

  const show = (m: RuleChainMetaData) => {
    const next = fromMetadata(m);
    h.reset(next);
    setBaseline(JSON.stringify(toMetadata(next, chain.id.id)));
    setSelected(new Set());
    setVersion(m.version);
  };
  /** `overwrite`: without `version`, so the save replaces what someone else saved meanwhile. */
  const save = async (overwrite = false) => {
    setSaving(true);
    setSaveError(null);
    try {
      const m = await ruleChainsApi.saveMetadata({
        ...toMetadata(doc, chain.id.id),
        version: overwrite ? undefined : version,
      });
      show(m);
      onSaved(m);
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };
  const discard = () => {
    h.reset(fromMetadata(metadata));
    setSaveError(null);
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (
        !(e.ctrlKey || e.metaKey) ||
        (e.target as HTMLElement)?.closest?.('input, textarea, .monaco-editor, [role=dialog]')
      )
        return;
      const k = e.key.toLowerCase();
      const action =
        k === 'z' && !e.shiftKey
          ? h.undo
          : (k === 'z' && e.shiftKey) || k === 'y'
            ? h.redo
            : k === 's'
              ? () => void save()
              : null;
      if (!action) return;
      e.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const nameOf = (key: string) => doc.nodes.find((n) => n.key === key)?.name ?? key;
  const sourceType = relDialog ? doc.nodes.find((n) => n.key === relDialog.from)?.type : undefined;
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: 'calc(100vh - 150px)', minHeight: 420 }}>
      <Stack direction="row" spacing={1} sx={{ mb: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <Button
          variant="contained"
          onClick={() => void save()}
          disabled={!dirty || saving}
          data-testid="rulechain-save"
        >
          {saving ? 'Saving…' : 'Save'}
        </Button>
        <Button onClick={discard} disabled={!dirty} data-testid="rulechain-discard">
          Discard changes
        </Button>
        <Divider orientation="vertical" flexItem />
        <Tooltip title="Undo (Ctrl+Z)">
          <span>
            <Button onClick={h.undo} disabled={!h.canUndo} aria-label="Undo">
              ↶ Undo
            </Button>
          </span>
        </Tooltip>
        <Tooltip title="Redo (Ctrl+Shift+Z)">
          <span>
            <Button onClick={h.redo} disabled={!h.canRedo} aria-label="Redo">
              ↷ Redo
            </Button>
          </span>
        </Tooltip>
        <Button onClick={() => void flow.fitView({ padding: 0.2 })} data-testid="rulechain-fit">
          ⤢ Fit to screen
        </Button>
        <Box sx={{ flex: 1 }} />
        {dirty && <Chip color="warning" size="small" label="Unsaved changes" />}
      </Stack>
      <SaveErrorAlert
        error={saveError}
        what="rule chain"
        onReload={() => {
          setSaveError(null);
          ruleChainsApi.metadata(chain.id.id).then(show, setSaveError);
        }}
        onOverwrite={() => void save(true)}
      />
      <Box
        sx={{
          flex: 1,
          display: 'flex',
          minHeight: 0,
          border: 1,
          borderColor: 'divider',
          borderRadius: 1,
          overflow: 'hidden',
        }}
      >
        <Palette components={components} onAdd={addInMiddle} />
        <Box
          sx={{ flex: 1, minWidth: 0 }}
          onDragOver={(e) => (e.preventDefault(), (e.dataTransfer.dropEffect = 'move'))}
          onDrop={onDrop}
          data-testid="rulechain-canvas"
        >
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onDelete={onDelete}
            onNodeDragStart={(_, n) => n.id !== INPUT && h.checkpoint()}
            onNodeDoubleClick={(_, n) => {
              const node = doc.nodes.find((x) => x.key === n.id);
              if (node) setNodeDialog({ node, isNew: false });
            }}
            onEdgeDoubleClick={(_, e) =>
              e.source !== INPUT &&
              setRelDialog({
                from: e.source,
                to: e.target,
                initial: doc.links.find((l) => l.from === e.source && l.to === e.target)?.relations ?? [],
              })
            }
            zoomOnDoubleClick={false}
            deleteKeyCode={['Backspace', 'Delete']}
            fitView
            fitViewOptions={{ padding: 0.2 }}
          >
            <Background />
            <Controls showInteractive={false} />
          </ReactFlow>
        </Box>
      </Box>
      {!doc.nodes.length && (
        <Alert severity="info" sx={{ mt: 1 }}>
          This rule chain is empty: drag a node from the palette onto the canvas, then connect Input to it.
        </Alert>
      )}
      <NodeDialog
        open={!!nodeDialog}
        node={nodeDialog?.node ?? null}
        isNew={nodeDialog?.isNew ?? false}
        descriptor={nodeDialog ? byType.get(nodeDialog.node.type) : undefined}
        onCancel={() => setNodeDialog(null)}
        onApply={(patch) => {
          const d = nodeDialog!;
          h.commit((p) =>
            d.isNew
              ? {
                  ...p,
                  nodes: [...p.nodes, { ...d.node, ...patch }],
                  firstKey: p.firstKey ?? (p.nodes.length ? null : d.node.key),
                }
              : updateNode(p, d.node.key, patch),
          );
          setNodeDialog(null);
        }}
      />
      <RelationDialog
        open={!!relDialog}
        sourceName={relDialog ? nameOf(relDialog.from) : ''}
        targetName={relDialog ? nameOf(relDialog.to) : ''}
        relationTypes={(sourceType && byType.get(sourceType)?.relationTypes) || []}
        initial={relDialog?.initial ?? []}
        onCancel={() => setRelDialog(null)}
        onConfirm={(relations) => {
          const r = relDialog!;
          h.commit((p) => setLink(p, r.from, r.to, relations));
          setRelDialog(null);
        }}
      />
    </Box>
  );
}
