import { Chip } from '@mui/material';
import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useState } from 'react';
import { Link as RouterLink, useParams } from 'react-router';
import { useLoad } from '../../app/hooks';
import { useNotify } from '../../app/notify';
import { ErrorAlert, Loading, PageHeader } from '../../ui/states';
import { UnsavedChangesPrompt } from '../../ui/UnsavedChanges';
import { RuleChainEditor } from './RuleChainEditor';
import { ruleChainsApi } from './ruleChains.api';
import { ExportButton } from '../transfer/ExportButton';

/** One rule chain in the editor; leaving with unsaved changes asks first. */
export function RuleChainPage() {
  const { id = '' } = useParams();
  const notify = useNotify();
  const [dirty, setDirty] = useState(false);
  const data = useLoad(
    async (signal) => {
      const [chain, metadata, components] = await Promise.all([
        ruleChainsApi.get(id, signal),
        ruleChainsApi.metadata(id, signal),
        ruleChainsApi.components(signal),
      ]);
      return { chain, metadata, components };
    },
    [id],
  );
  const onDirtyChange = useCallback((d: boolean) => setDirty(d), []);

  if (data.loading && !data.data) return <Loading />;
  if (!data.data) return <ErrorAlert error={data.error} onRetry={data.reload} />;
  const { chain, metadata, components } = data.data;
  return (
    <>
      <UnsavedChangesPrompt when={dirty} what="the rule chain" />
      <PageHeader
        title={
          <>
            {chain.name}{' '}
            {chain.root && (
              <Chip size="small" label="Root" color="primary" sx={{ ml: 1, verticalAlign: 'middle' }} />
            )}
          </>
        }
        subtitle={
          <>
            <RouterLink to="/rule-chains" style={{ color: 'inherit' }}>
              All rule chains
            </RouterLink>{' '}
            · double-click a node to configure it or see its events; drag from a node's right dot to another
            node to connect them
          </>
        }
        actions={<ExportButton kind="ruleChain" id={chain.id.id} name={chain.name} />}
      />
      <ReactFlowProvider>
        <RuleChainEditor
          key={chain.id.id}
          chain={chain}
          metadata={metadata}
          components={components}
          onDirtyChange={onDirtyChange}
          onSaved={(m) => {
            data.setData((d) => d && { ...d, metadata: m });
            notify('Rule chain saved');
          }}
        />
      </ReactFlowProvider>
    </>
  );
}
