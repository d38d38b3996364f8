/**
 * Whether a message's topic matches one of an integration's topic filters (MQTT wildcards `+` and
 * `#`; a shared subscription's `$share/<group>/` prefix is not part of the filter). The broker sends
 * only matching messages, except for a subscription an earlier configuration left in a persistent
 * session: what arrives through that one is not the integration's data any more.
 */
export function topicMatcher(filters: string[]): (topic: string) => boolean {
  const plain = filters.map((f) => (f.startsWith('$share/') ? f.split('/').slice(2).join('/') : f));
  if (plain.includes('#')) return () => true;
  const exact = new Set(plain.filter((f) => !f.includes('+') && !f.includes('#')));
  const wild = plain.filter((f) => !exact.has(f)).map((f) => f.split('/'));
  return (topic) => {
    if (exact.has(topic)) return true;
    if (!wild.length) return false;
    const levels = topic.split('/');
    return wild.some((f) => levelsMatch(f, levels, topic.startsWith('$')));
  };
}

function levelsMatch(filter: string[], topic: string[], system: boolean): boolean {
  // topics starting with '$' are not matched by a filter starting with a wildcard (MQTT 3.1.1 §4.7.2)
  if (system && (filter[0] === '+' || filter[0] === '#')) return false;
  for (let i = 0; i < filter.length; i++) {
    const f = filter[i]!;
    // '#' matches the parent level too: 'a/#' matches 'a'
    if (f === '#') return true;
    if (i >= topic.length) return false;
    if (f !== '+' && f !== topic[i]) return false;
  }
  return filter.length === topic.length;
}
