// The routes in app/router.tsx lazily import these names.
export { RuleChainsPage } from './RuleChainsPage';
export { RuleChainPage } from './RuleChainPage';
