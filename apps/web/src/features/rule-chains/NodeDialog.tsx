import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  Stack,
  Switch,
  Tab,
  Tabs,
  TextField,
  Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';
import type { RuleNodeTypeInfo } from '@bridgeboard/contracts';
import { formatTime } from '../../ui/time';
import type { EditorNode } from './model';
import { NodeEvents } from './NodeEvents';
import { titleCase } from './ruleChains.api';
import { SchemaForm, validateConfig, type JsonSchema } from './SchemaForm';

export interface NodeDialogProps {
  open: boolean;
  node: EditorNode | null;
  descriptor: RuleNodeTypeInfo | undefined;
  /** a node just dropped on the canvas: Cancel removes it again */
  isNew: boolean;
  onCancel(): void;
  onApply(patch: Pick<EditorNode, 'name' | 'debugMode' | 'debugPinned' | 'configuration'>): void;
}

/** Configure a node: name, debug mode, its schema-generated configuration; and its debug events. */
export function NodeDialog({ open, node, descriptor, isNew, onCancel, onApply }: NodeDialogProps) {
  const [tab, setTab] = useState(0);
  const [name, setName] = useState('');
  const [debugMode, setDebugMode] = useState(false);
  const [debugPinned, setDebugPinned] = useState(false);
  const [config, setConfig] = useState<Record<string, unknown>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});

  useEffect(() => {
    if (!open || !node) return;
    setTab(0);
    setName(node.name);
    setDebugMode(node.debugMode);
    setDebugPinned(node.debugPinned);
    setConfig(node.configuration);
    setErrors({});
  }, [open, node]);

  const schema = (descriptor?.configurationSchema ?? {}) as JsonSchema;
  const apply = () => {
    const e = validateConfig(schema, config);
    if (!name.trim()) e.__name = 'Give the node a name, e.g. MQTT Integration Downlink.';
    setErrors(e);
    if (Object.keys(e).length) return;
    onApply({ name: name.trim(), debugMode, debugPinned, configuration: config });
  };

  const typeName = descriptor ? titleCase(descriptor.name) : (node?.type ?? '');
  return (
    <Dialog open={open} onClose={onCancel} maxWidth="md" fullWidth aria-labelledby="node-dialog-title">
      <DialogTitle id="node-dialog-title">
        {isNew ? `Add rule node: ${typeName}` : `${node?.name ?? ''}`}
        <Typography variant="body2" color="text.secondary">
          {typeName}
          {descriptor?.description ? ` — ${descriptor.description}` : ''}
        </Typography>
      </DialogTitle>
      {!isNew && node?.id && (
        <Tabs value={tab} onChange={(_, v: number) => setTab(v)} sx={{ px: 3 }}>
          <Tab label="Details" />
          <Tab label="Events" data-testid="node-events-tab" />
        </Tabs>
      )}
      <DialogContent sx={{ minHeight: 320 }}>
        {tab === 0 && (
          <Stack spacing={1.5} sx={{ mt: 1 }}>
            {!descriptor && (
              <Typography color="error">
                This server does not know node type {node?.type}; it cannot be configured here.
              </Typography>
            )}
            <TextField
              label="Name"
              value={name}
              autoFocus
              onChange={(e) => setName(e.target.value)}
              error={!!errors.__name}
              helperText={errors.__name ?? ' '}
              slotProps={{ htmlInput: { 'data-testid': 'node-name' } }}
            />
            <Stack direction="row" spacing={2}>
              <FormControlLabel
                label="Debug mode"
                control={
                  <Switch
                    checked={debugMode}
                    onChange={(_, c) => setDebugMode(c)}
                    slotProps={{ input: { 'data-testid': 'node-debug' } as object }}
                  />
                }
              />
              <FormControlLabel
                label="Keep debug on (no auto-off)"
                control={
                  <Switch
                    checked={debugPinned}
                    disabled={!debugMode}
                    onChange={(_, c) => setDebugPinned(c)}
                  />
                }
              />
            </Stack>
            {debugMode && !debugPinned && node?.debugMode && node.debugModeUntil ? (
              <Typography variant="caption" color="text.secondary">
                Debug mode switches itself off at {formatTime(node.debugModeUntil)}, so stored events do not
                fill the disk.
              </Typography>
            ) : null}
            <SchemaForm
              schema={schema}
              value={config}
              onChange={setConfig}
              errors={errors}
              nodeType={node?.type ?? ''}
            />
          </Stack>
        )}
        {tab === 1 && node?.id && (
          <Box sx={{ mt: 1 }}>
            <NodeEvents nodeId={node.id} debugMode={node.debugMode} />
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button variant="contained" onClick={apply} data-testid="node-apply">
          {isNew ? 'Add' : 'Apply'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
